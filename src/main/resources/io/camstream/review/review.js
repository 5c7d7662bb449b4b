"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const eventId = decodeURIComponent(location.pathname.substring("/review/".length));
  let review = null, links = null;

  async function load() {
    try {
      const data = await cs.get("/api/reviews/" + encodeURIComponent(eventId));
      review = data.review; links = data.links;
      $("error").hidden = true;
      show(data);
    } catch (e) {
      $("error").textContent = "Could not load review " + eventId + ": " + e.message;
      $("error").hidden = false;
      if (!/no review/.test(e.message)) setTimeout(load, 2000);
    }
  }

  function show(data) {
    const r = review, p = r.prediction || {}, ex = r.explanation || {}, m = r.model || {};
    document.title = (p.label || ex.targetClass || "Review") + " · " + eventId + " · camstream";
    $("title").textContent = "Review " + eventId;
    $("p-label").textContent = p.label ?? (p.classIndex ?? "—");
    $("p-conf").textContent = p.confidence !== undefined ? "confidence " + Number(p.confidence).toFixed(3) : "";
    $("p-conf").className = "num" + (p.confidence < 0.5 ? " low" : "");
    const mp = ex.modelPrediction, tc = ex.targetClass;
    const tcLabel = tc === undefined || tc === null ? null
      : (tc === p.classIndex && p.label) ? p.label : (mp && tc === mp.classIndex && mp.label) ? mp.label : null;
    $("p-target").textContent = (tc === undefined || tc === null) ? (ex.target ? JSON.stringify(ex.target) : "—")
      : (tcLabel ? tcLabel + " (class " + tc + ")" : "class " + tc);
    if (mp) {
      $("p-target").append(cs.el("div", { className: "muted" },
        "model now says " + (mp.label ?? mp.classIndex) + " " + Number(mp.score).toFixed(3)));
    }
    const reasons = ((r.selection || {}).reasons || []).map(x => typeof x === "object" ? (x.code || x.reason || x.kind || JSON.stringify(x)) : x);
    $("p-reasons").replaceChildren(...reasons.map(x => cs.el("span", { className: "chip" }, x)));
    $("p-method").textContent = [ex.method, ex.layer].filter(Boolean).join(" on ") || "—";
    $("p-line").textContent = (r.lineId || "—") + " / " + (r.cameraId || "—");
    $("p-time").textContent = cs.time(r.timestamp);
    $("p-model").textContent = (m.id || "—") + (m.version ? " v" + m.version : "");
    $("p-sha").textContent = m.sha256 || "—";
    $("p-event").textContent = eventId;
    const regions = ex.regions || [];
    $("p-regions").replaceChildren(...(regions.length ? regions.map((g, i) => cs.el("div", {},
      "#" + (i + 1) + "  x " + g.x + ", y " + g.y + ", " + g.w + "×" + g.h + " px — " + cs.pct(g.share) + " of the heat"))
      : ["none reported"]));
    boxes();
    stage();
    decisionState(data.decision);
    $("review").hidden = false;
  }

  /** Per-box results of a detection event: one row each, least confident first (the record's order). */
  function boxes() {
    const list = review.boxes || [];
    $("boxes-panel").hidden = list.length === 0;
    $("t-boxes").disabled = list.length === 0;
    $("p-boxes").replaceChildren(...list.map((b, i) => cs.el("div", { className: "box-result" },
      "box " + (i + 1) + ": detection " + b.detection + (b.label ? " (" + b.label + ")" : "")
      + " confidence " + Number(b.confidence).toFixed(3)
      + " — x " + b.box[0] + ", y " + b.box[1] + ", " + b.box[2] + "×" + b.box[3] + " px"
      + " — " + cs.pct(b.boxShare) + " of its heat inside"
      + (b.peak ? ", peak " + b.peak.x + "," + b.peak.y : "")
      + (b.method ? " (" + b.method + ")" : ""))));
  }

  function boxMarks(w, h) {
    const s = $("box-marks");
    s.setAttribute("viewBox", "0 0 " + w + " " + h);
    const sw = Math.max(2, Math.round(Math.max(w, h) / 300));
    (review.boxes || []).forEach((b, i) => {
      s.append(cs.svg("rect", { x: b.box[0], y: b.box[1], width: b.box[2], height: b.box[3], fill: "none",
        stroke: "#ffd400", "stroke-width": sw, "stroke-dasharray": "6 4", "vector-effect": "non-scaling-stroke",
        class: "box" }));
      const t = cs.svg("text", { x: b.box[0] + 4, y: b.box[1] + b.box[3] + Math.max(14, h / 30), fill: "#ffd400",
        "font-size": Math.max(12, Math.round(h / 28)), "font-weight": "700" });
      t.textContent = "box " + (i + 1) + " " + cs.pct(b.boxShare);
      s.append(t);
      if (b.peak) {
        s.append(cs.svg("circle", { cx: b.peak.x, cy: b.peak.y, r: Math.max(w, h) / 90, fill: "#ffd400",
          class: "box-peak" }));
      }
    });
  }

  function stage() {
    const w = (review.image || {}).width || 4, h = (review.image || {}).height || 3;
    $("stage").style.aspectRatio = w + " / " + h;
    // the whole image and its controls fit the window, however tall the image is
    $("stage").style.width = "min(100%, calc((100vh - 190px) * " + (w / h).toFixed(4) + "))";
    const orig = $("img-original"), over = $("img-overlay");
    if (links.image) { orig.src = links.image; } else { orig.hidden = true; $("t-original").disabled = true; $("t-original").checked = false; }
    if (links.overlay) { over.src = links.overlay; } else { over.hidden = true; $("t-overlay").disabled = true; $("t-overlay").checked = false; }
    if (links.heatmapOnly || !links.overlay) { $("t-heat").checked = true; }
    if (links.heatmapOnly) {
      $("note").textContent = "Privacy: heat map only, the original image is not shown";
      $("note").hidden = false;
      $("opacity").value = 100;
    }
    if (links.heatmap) { colourise(links.heatmap); } else { $("t-heat").disabled = true; $("t-heat").checked = false; }
    marks(w, h);
    boxMarks(w, h);
    apply();
  }

  /** Draws the grey heat map PNG (255 = hottest) in colour, transparent where there is no heat. */
  function colourise(url) {
    const img = new Image();
    img.onload = () => {
      const c = $("heat");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height);
      for (let i = 0; i < d.data.length; i += 4) {
        const v = d.data[i] / 255, [r, gg, b] = cs.colour(v);
        d.data[i] = r; d.data[i + 1] = gg; d.data[i + 2] = b;
        d.data[i + 3] = links.heatmapOnly ? 255 : Math.round(255 * Math.min(1, 0.15 + v));
      }
      g.putImageData(d, 0, 0);
      c.dataset.ready = "true";
    };
    img.src = url;
  }

  function marks(w, h) {
    const s = $("marks");
    s.setAttribute("viewBox", "0 0 " + w + " " + h);
    const ex = review.explanation || {}, sw = Math.max(2, Math.round(Math.max(w, h) / 300));
    (ex.regions || []).forEach((g, i) => {
      s.append(cs.svg("rect", { x: g.x, y: g.y, width: g.w, height: g.h, fill: "none", stroke: "#4dd0ff",
        "stroke-width": sw, "vector-effect": "non-scaling-stroke", class: "region" }));
      const t = cs.svg("text", { x: g.x + 4, y: g.y + Math.max(14, h / 30), fill: "#4dd0ff",
        "font-size": Math.max(12, Math.round(h / 28)), "font-weight": "700" });
      t.textContent = "#" + (i + 1) + " " + cs.pct(g.share);
      s.append(t);
    });
    if (ex.peak) {
      const r = Math.max(w, h) / 60;
      s.append(cs.svg("circle", { cx: ex.peak.x, cy: ex.peak.y, r: r, fill: "none", stroke: "#ffffff",
        "stroke-width": sw, "vector-effect": "non-scaling-stroke" }));
    }
  }

  function apply() {
    const o = $("opacity").value / 100;
    $("opacity-v").textContent = $("opacity").value + "%";
    $("img-original").style.visibility = $("t-original").checked && links.image ? "visible" : "hidden";
    $("img-overlay").style.visibility = $("t-overlay").checked && links.overlay ? "visible" : "hidden";
    $("img-overlay").style.opacity = o;
    $("heat").style.visibility = $("t-heat").checked && links.heatmap ? "visible" : "hidden";
    $("heat").style.opacity = o;
    $("marks").style.visibility = $("t-regions").checked ? "visible" : "hidden";
    $("box-marks").style.visibility = $("t-boxes").checked ? "visible" : "hidden";
  }
  ["opacity", "t-original", "t-overlay", "t-heat", "t-regions", "t-boxes"].forEach(id => $(id).addEventListener("input", apply));
  document.addEventListener("keydown", ev => {
    if (ev.target.matches("input[type=text], textarea")) return;
    const toggle = id => { if (!$(id).disabled) { $(id).checked = !$(id).checked; apply(); } };
    if (ev.key === "o") toggle("t-overlay");
    if (ev.key === "h") toggle("t-heat");
    if (ev.key === "g") toggle("t-regions");
    if (ev.key === "b") toggle("t-boxes");
    if (ev.key === "[" || ev.key === "]") { $("opacity").value = +$("opacity").value + (ev.key === "]" ? 10 : -10); apply(); }
  });

  // decision form
  // the server records the logged-in identity as the reviewer; shown so nobody decides under the wrong name
  cs.get("/api/whoami").then(w => { $("reviewer").textContent = w.name + " (" + w.role + ")"; }).catch(() => {});
  document.querySelectorAll("input[name=decision]").forEach(r => r.addEventListener("change", () => {
    $("label-row").hidden = chosen() !== "relabel";
  }));
  const chosen = () => document.querySelector("input[name=decision]:checked").value;
  cs.get("/api/reviews?limit=1").then(d => {
    $("classes").replaceChildren(...d.facets.classes.map(c => cs.el("option", { value: c })));
  }).catch(() => {});

  $("form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const body = { decision: chosen(), label: $("label").value, comment: $("comment").value };
    $("submit").disabled = true;
    try {
      const r = await cs.post("/api/reviews/" + encodeURIComponent(eventId) + "/decision", body);
      if (r.status === 201 || r.status === 200) {
        decisionState(r.body.decision, r.status === 201 ? "Decision published." : "Already decided like this.");
      } else if (r.status === 409) {
        decisionState(r.body.decision, "Someone decided differently first.", true);
      } else {
        message(r.body.error || ("HTTP " + r.status), true);
        $("submit").disabled = false;
      }
    } catch (e) {
      message("Could not send: " + e.message, true);
      $("submit").disabled = false;
    }
  });

  function decisionState(d, note, bad) {
    if (!d) return;
    const what = d.decision + (d.label ? " → " + d.label : "");
    message((note ? note + " " : "") + "Decision: " + what + " by " + d.reviewer + " at " + cs.time(d.decidedAt)
      + (d.comment ? " — “" + d.comment + "”" : ""), bad);
    $("form").querySelectorAll("input, textarea, button").forEach(e => { e.disabled = true; });
    $("result").dataset.decision = d.decision;
  }

  function message(text, bad) {
    const m = $("result");
    m.textContent = text;
    m.className = "msg " + (bad ? "err" : "ok");
    m.hidden = false;
  }

  load();
})();
