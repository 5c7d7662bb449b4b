// Shared helpers for the review pages (plain browser JavaScript, no build step).
"use strict";

const cs = {
  /** GET JSON from the API; a 401 sends the browser to the login page. */
  async get(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
    const body = await r.json();
    if (!r.ok) { throw new Error(body.error || ("HTTP " + r.status)); }
    return body;
  },
  async post(url, data) {
    const r = await fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(data) });
    if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); }
    return { status: r.status, body: await r.json() };
  },
  /** Element helper: el("td", {className: "x"}, "text", child). */
  el(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  },
  svg(tag, attrs) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  },
  time(ts) {
    if (ts === null || ts === undefined) return "—";
    const d = new Date(typeof ts === "number" ? ts : Date.parse(ts));
    if (isNaN(d)) return String(ts);
    return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
  },
  pct(x) { return (x === null || x === undefined) ? "—" : (100 * x).toFixed(0) + "%"; },
  /** Live updates: Server-Sent Events, falling back to polling every 2 s. */
  live(onChange, indicator) {
    let polling = null;
    const poll = () => { if (!polling) { polling = setInterval(onChange, 2000); } };
    if (!window.EventSource) { poll(); return; }
    const es = new EventSource("/api/events");
    es.addEventListener("change", () => { indicator && indicator.classList.add("on"); onChange(); });
    es.onerror = () => { indicator && indicator.classList.remove("on"); if (es.readyState === EventSource.CLOSED) poll(); };
  },
  /** Inferno-like colour map, value in [0,1] to [r,g,b]. */
  colour(v) {
    const a = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];
    const t = Math.max(0, Math.min(1, v)) * (a.length - 1);
    const i = Math.min(Math.floor(t), a.length - 2), f = t - i;
    return [0, 1, 2].map(c => Math.round(a[i][c] + f * (a[i + 1][c] - a[i][c])));
  },
};
