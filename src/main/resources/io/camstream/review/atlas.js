"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const filters = ["line", "model", "class"];
  const seen = { line: new Set(), model: new Set(), class: new Set() };
  ["size", ...filters].forEach(n => $("f-" + n).addEventListener("change", load));

  async function load() {
    try {
      const q = new URLSearchParams();
      if ($("f-size").value) q.set("size", $("f-size").value);
      filters.forEach(n => { if ($("f-" + n).value) q.set(n, $("f-" + n).value); });
      const data = await cs.get("/api/atlas?" + q);
      if ($("f-size").options.length === 0) {
        data.sizes.forEach(s => $("f-size").add(new Option(s, s)));
        $("f-size").value = data.size;
      }
      data.windows.forEach(w => { seen.line.add(w.key.lineId); seen.model.add(w.key.modelId); seen.class.add(w.key.classLabel); });
      filters.forEach(n => {
        const s = $("f-" + n), v = s.value;
        while (s.options.length > 1) s.remove(1);
        [...seen[n]].sort().forEach(x => s.add(new Option(x, x)));
        s.value = v;
      });
      render(data);
      $("error").hidden = true;
    } catch (e) {
      $("error").textContent = "Could not load the atlas: " + e.message + " — retrying";
      $("error").hidden = false;
      setTimeout(load, 2000);
    }
  }

  function render(data) {
    const t = data.thresholds;
    $("cards").replaceChildren(...data.windows.map(w => {
      const outside = w.outsideShare > t.outsideRoi && w.count >= t.minReviews;
      const svg = cs.svg("svg", { viewBox: "0 0 1 1", preserveAspectRatio: "none" });
      svg.append(cs.svg("rect", { x: w.roi.x, y: w.roi.y, width: w.roi.w, height: w.roi.h, fill: "none",
        stroke: "#4dd0ff", "stroke-width": 2, "stroke-dasharray": "6 4", "vector-effect": "non-scaling-stroke" }));
      const c = w.centroid, d = 0.04;
      svg.append(cs.svg("path", { d: `M${c.x - d} ${c.y}H${c.x + d}M${c.x} ${c.y - d}V${c.y + d}`, stroke: "#fff",
        "stroke-width": 3, "vector-effect": "non-scaling-stroke" }));
      const img = cs.el("img", { src: w.image, alt: "mean heat map " + w.key.classLabel + " " + w.start, className: "mean" });
      return cs.el("div", { className: "card" + (outside ? " alert" : "") },
        cs.el("div", { className: "pic" }, img, svg),
        cs.el("div", { className: "cap" },
          cs.el("b", {}, w.key.classLabel), " · ", w.key.lineId, " · ", w.key.modelId, cs.el("br"),
          cs.el("span", { className: "muted num" }, cs.time(w.start) + " → " + cs.time(w.end)), cs.el("br"),
          cs.el("span", { className: "num" }, w.count + (w.count === 1 ? " review · " : " reviews · ")),
          cs.el("span", { className: "num" + (outside ? " bad" : "") }, cs.pct(w.outsideShare) + " outside ROI"),
          cs.el("br"),
          cs.el("span", { className: "num muted" }, "centroid (" + c.x.toFixed(2) + ", " + c.y.toFixed(2)
            + ") · spread " + w.spread.toFixed(2))));
    }));
    $("empty").hidden = data.windows.length > 0;
  }

  load();
  cs.live(load, null);
})();
