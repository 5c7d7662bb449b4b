"use strict";
(() => {
  const names = ["line", "model", "class", "reason"];
  const select = n => document.getElementById("f-" + n);
  const params = new URLSearchParams(location.search);
  names.forEach(n => {
    select(n).addEventListener("change", () => { writeUrl(); load(); });
  });

  function writeUrl() {
    const p = new URLSearchParams();
    names.forEach(n => { if (select(n).value) p.set(n, select(n).value); });
    history.replaceState(null, "", p.toString() ? "?" + p : "/");
  }

  function fill(n, values) {
    const s = select(n), want = s.value || params.get(n) || "";
    const keep = new Set(values);
    if (want) keep.add(want);
    while (s.options.length > 1) s.remove(1);
    [...keep].sort().forEach(v => s.add(new Option(v, v)));
    s.value = want;
  }

  // Pages the reviewer has opened with "Show more": a live update reloads them all, from the newest.
  let pages = 1;
  const more = document.getElementById("more");
  more.addEventListener("click", () => { pages++; load(); });
  const limit = params.get("limit");

  let loading = false, again = false;
  async function load() {
    if (loading) { again = true; return; }
    loading = true;
    try {
      const q = new URLSearchParams();
      names.forEach(n => { const v = select(n).value || params.get(n); if (v) q.set(n, v); });
      if (limit) q.set("limit", limit);
      let data = await cs.get("/api/reviews?" + q);
      ["lines", "models", "classes", "reasons"].forEach((k, i) => fill(names[i], data.facets[k]));
      const items = data.items.slice();
      for (let page = 1; page < pages && data.nextCursor; page++) {
        q.set("cursor", data.nextCursor);
        data = await cs.get("/api/reviews?" + q);
        items.push(...data.items);
      }
      render(items, data.open);
      more.hidden = !data.nextCursor;
      document.getElementById("error").hidden = true;
    } catch (e) {
      const box = document.getElementById("error");
      box.textContent = "Could not load the queue: " + e.message + " — retrying";
      box.hidden = false;
      // stores load after a restart or rebalance: try again rather than wait for the next change
      setTimeout(load, 2000);
    } finally {
      loading = false;
      if (again) { again = false; load(); }
    }
  }

  let shown = null;
  function render(items, open) {
    // unchanged data keeps the rows as they are, so a row does not vanish under the reviewer's pointer
    const key = JSON.stringify(items) + "/" + open;
    if (key === shown) return;
    shown = key;
    const rows = document.getElementById("rows");
    rows.replaceChildren(...items.map(r => {
      const thumb = r.links.overlay || r.links.heatmap;
      const tr = cs.el("tr", { className: "item", tabIndex: 0, title: "Open review " + r.eventId },
        cs.el("td", {}, thumb ? cs.el("img", { className: "thumb", src: thumb, alt: "" }) : ""),
        cs.el("td", { className: "num" }, cs.time(r.timestamp)),
        cs.el("td", {}, r.lineId || "—"),
        cs.el("td", {}, r.cameraId || "—"),
        cs.el("td", {}, (r.model.id || "—") + (r.model.version ? " v" + r.model.version : "")),
        cs.el("td", {}, cs.el("b", {}, r.label)),
        cs.el("td", { className: "num" + (r.confidence !== undefined && r.confidence < 0.5 ? " low" : "") },
          r.confidence === undefined ? "—" : r.confidence.toFixed(3)),
        cs.el("td", {}, ...r.reasons.map(x => cs.el("span", { className: "chip" }, x))));
      tr.dataset.eventId = r.eventId;
      const open = () => { location.href = "/review/" + encodeURIComponent(r.eventId); };
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", ev => { if (ev.key === "Enter") open(); });
      return tr;
    }));
    // the open count is over every filter; the rows are the filtered pages loaded so far
    document.getElementById("count").textContent = "(" + items.length + " shown, " + open + " open)";
    document.getElementById("empty").hidden = items.length > 0;
  }

  load();
  cs.live(load, document.getElementById("live"));
})();
