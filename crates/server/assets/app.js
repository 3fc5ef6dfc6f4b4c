// dyad's dashboard. Written by the dyad project; no libraries, no network beyond this server.
// Article text and every field from the store are untrusted: they are only ever set as text
// (textContent, createTextNode) or as SVG numbers, never parsed as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PAGE = 50;
let offset = 0;
let world = null;

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") e.className = v;
    else if (k === "title") e.title = v;
    else if (k.startsWith("data-")) e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, typeof v === "number" ? String(Math.round(v * 100) / 100) : String(v));
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  const url = q.toString() ? `${path}?${q}` : path;
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : r.statusText);
  return body;
}

function filters() {
  const f = {};
  for (const k of ["text", "actor", "code", "from", "to", "near"]) f[k] = document.getElementById(`f-${k}`).value.trim();
  return f;
}

function status(msg) { document.getElementById("status").textContent = msg; }

async function loadStats() {
  const s = await api("/api/stats");
  document.getElementById("stats").textContent =
    `${s.articles} articles, ${s.events} events${s.first ? `, ${s.first} to ${s.last}` : ""}`;
}

async function search() {
  const f = filters();
  status("searching…");
  try {
    const [page, tl, map, dy] = await Promise.all([
      api("/api/events", { ...f, limit: PAGE, offset }),
      api("/api/timeline", f),
      api("/api/events", { ...f, limit: 1000 }),
      api("/api/dyads", { ...f, limit: 24 }),
    ]);
    renderEvents(page);
    renderTimeline(tl.days);
    renderMap(map.events);
    renderNetwork(dy.dyads);
    status("");
  } catch (e) {
    status(String(e.message || e));
  }
}

function renderEvents(page) {
  const body = document.querySelector("#events tbody");
  clear(body);
  for (const ev of page.events) {
    const tr = el("tr", { "data-article": ev.article_id, "data-event": ev.event_id },
      el("td", {}, ev.date),
      el("td", { title: ev.source ? ev.source.text : "" }, ev.source ? ev.source.code : ""),
      el("td", { title: ev.name || "" }, `${ev.cameo} ${ev.name || ""}`),
      el("td", { title: ev.target ? ev.target.text : "" }, ev.target ? ev.target.code : ""),
      el("td", {}, ev.place ? ev.place.name : ""),
      el("td", {}, ev.article));
    tr.addEventListener("click", () => showArticle(ev.article_id, ev.event_id));
    body.append(tr);
  }
  document.getElementById("events-count").textContent =
    `${page.total ? page.offset + 1 : 0}–${page.offset + page.events.length} of ${page.total}${page.total_is_lower_bound ? "+" : ""}`;
  document.getElementById("prev").disabled = page.offset === 0;
  document.getElementById("next").disabled = page.events.length < page.limit;
}

function renderTimeline(days) {
  const g = document.getElementById("timeline");
  clear(g);
  if (!days.length) return;
  const W = 800, H = 160, n = days.length, bw = W / n;
  const max = Math.max(...days.map((d) => d.events));
  days.forEach((d, i) => {
    const h = (d.events / max) * (H - 20);
    const r = svg("rect", { x: i * bw, y: H - h, width: Math.max(bw - 1, 0.5), height: h, fill: "#9bb0d3" });
    r.append(svg("title"));
    r.lastChild.textContent = `${d.date}: ${d.events} events, Goldstein ${d.goldstein}`;
    g.append(r);
  });
  // Mean Goldstein, -10..10 mapped onto the height.
  const pts = days.map((d, i) => `${(i + 0.5) * bw},${H / 2 - (d.goldstein / 10) * (H / 2 - 4)}`).join(" ");
  g.append(svg("line", { x1: 0, x2: W, y1: H / 2, y2: H / 2, stroke: "#ccc", "stroke-dasharray": "4 4" }));
  g.append(svg("polyline", { points: pts, fill: "none", stroke: "#1d2330", "stroke-width": 1.5 }));
  const label = svg("text", { x: 4, y: 12, "font-size": 11, fill: "#6b7280" });
  label.textContent = `${days[0].date} – ${days[n - 1].date}, at most ${max} a day`;
  g.append(label);
}

async function renderMap(events) {
  const g = document.getElementById("map");
  if (!world) world = await api("/assets/world.json");
  clear(g);
  for (const c of world.countries) {
    const p = svg("path", { d: c.d });
    p.append(svg("title"));
    p.lastChild.textContent = c.name;
    g.append(p);
  }
  const at = new Map();
  for (const ev of events) {
    if (!ev.place || typeof ev.place.lat !== "number") continue;
    const k = `${ev.place.lat},${ev.place.lon}`;
    const e = at.get(k) || { lat: ev.place.lat, lon: ev.place.lon, name: ev.place.name, n: 0 };
    e.n += 1;
    at.set(k, e);
  }
  for (const p of at.values()) {
    const c = svg("circle", { cx: p.lon + 180, cy: 90 - p.lat, r: Math.min(0.8 + Math.sqrt(p.n) * 0.6, 6) });
    c.append(svg("title"));
    c.lastChild.textContent = `${p.name}: ${p.n} events`;
    g.append(c);
  }
}

function renderNetwork(dyads) {
  const g = document.getElementById("network");
  clear(g);
  const nodes = [...new Set(dyads.flatMap((d) => [d.source, d.target]))];
  const pos = new Map(nodes.map((n, i) => {
    const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    return [n, { x: 200 + 150 * Math.cos(a), y: 200 + 150 * Math.sin(a) }];
  }));
  const max = Math.max(1, ...dyads.map((d) => d.events));
  for (const d of dyads) {
    const a = pos.get(d.source), b = pos.get(d.target);
    const line = svg("line", {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y,
      stroke: d.goldstein >= 0 ? "#1a7f4b" : "#c0392b",
      "stroke-opacity": 0.6, "stroke-width": 0.5 + (4 * d.events) / max,
    });
    line.append(svg("title"));
    line.lastChild.textContent = `${d.source} → ${d.target}: ${d.events} events, Goldstein ${d.goldstein}`;
    g.append(line);
  }
  for (const [n, p] of pos) {
    g.append(svg("circle", { cx: p.x, cy: p.y, r: 4, fill: "#1d2330" }));
    const t = svg("text", { x: p.x + (p.x >= 200 ? 6 : -6), y: p.y + 4, "font-size": 11, "text-anchor": p.x >= 200 ? "start" : "end" });
    t.textContent = n;
    g.append(t);
  }
}

// Byte offsets (UTF-8, as dyad writes them) to string indices (UTF-16).
function byteIndex(text) {
  const map = new Map();
  let b = 0, i = 0;
  for (const ch of text) {
    map.set(b, i);
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(b, i);
  return (off) => (map.has(off) ? map.get(off) : null);
}

function why(ev) {
  const parts = [];
  const p = ev.provenance || {};
  if (p.pattern) parts.push(`pattern ${p.pattern.file}:${p.pattern.line} “${p.pattern.pattern}” → ${p.pattern.code}`);
  if (p.rule) parts.push(`rule: ${p.rule}`);
  for (const [role, a] of [["source", ev.source], ["target", ev.target]]) {
    if (!a) continue;
    const entries = (a.entries || []).map((e) => `${e.file}:${e.line}`).join(", ");
    parts.push(`${role} ${a.code} “${a.text}”${entries ? ` from ${entries}` : ""}${a.resolved ? ` (${a.resolved})` : ""}`);
  }
  if (ev.place) parts.push(`place ${ev.place.name} (${ev.place.rule})`);
  if (ev.quote && ev.quote.speaker) parts.push(`said by ${ev.quote.speaker}`);
  if (ev.when) parts.push(`when “${ev.when.text}” = ${ev.when.value}`);
  return parts.join("; ");
}

async function showArticle(id, focusEvent) {
  let a;
  try {
    a = await api(`/api/articles/${encodeURIComponent(id)}`);
  } catch (e) {
    status(String(e.message || e));
    return;
  }
  const panel = document.getElementById("article-panel");
  panel.hidden = false;
  document.getElementById("article-title").textContent = a.title || a.article;
  document.getElementById("article-meta").textContent =
    [a.published, a.source, a.url].filter(Boolean).join(" · ");
  const spans = [];
  const add = (span, cls, key) => { if (Array.isArray(span) && span.length === 2) spans.push({ s: span[0], e: span[1], cls, key }); };
  for (const q of a.quotes || []) add(q.span, "quote");
  for (const p of a.places || []) add(p.span, "place");
  for (const c of a.counts || []) add(c.span, "count");
  for (const ev of a.events || []) {
    if (ev.source) add(ev.source.span, "actor", ev.event_id);
    if (ev.target) add(ev.target.span, "actor", ev.event_id);
    if (ev.provenance && ev.provenance.verb) add(ev.provenance.verb.span, "verb", ev.event_id);
  }
  const text = a.text;
  const idx = byteIndex(text);
  const cuts = new Set([0, text.length]);
  const marks = [];
  for (const sp of spans) {
    const s = idx(sp.s), e = idx(sp.e);
    if (s == null || e == null || e <= s) continue;
    cuts.add(s); cuts.add(e);
    marks.push({ s, e, cls: sp.cls, focus: sp.key === focusEvent });
  }
  const bounds = [...cuts].sort((x, y) => x - y);
  const box = document.getElementById("article-text");
  clear(box);
  let first = null;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const s = bounds[k], e = bounds[k + 1];
    const piece = text.slice(s, e);
    const on = marks.filter((m) => m.s <= s && e <= m.e);
    if (!on.length) { box.append(document.createTextNode(piece)); continue; }
    const classes = [...new Set(on.map((m) => m.cls))];
    if (on.some((m) => m.focus)) classes.push("focus");
    const m = el("mark", { class: classes.join(" ") }, piece);
    if (!first && classes.includes("focus")) first = m;
    box.append(m);
  }
  const list = document.getElementById("article-events");
  clear(list);
  for (const ev of a.events || []) {
    const li = el("li", { "data-event": ev.event_id },
      `${ev.source ? ev.source.code : "—"} ${ev.cameo} ${ev.name || ""} ${ev.target ? ev.target.code : "—"}`,
      el("div", { class: "why" }, why(ev)));
    list.append(li);
  }
  panel.scrollIntoView({ behavior: "smooth" });
  if (first) first.scrollIntoView({ block: "center" });
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("filters").addEventListener("submit", (e) => { e.preventDefault(); offset = 0; search(); });
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); search(); });
  document.getElementById("next").addEventListener("click", () => { offset += PAGE; search(); });
  loadStats().catch((e) => status(String(e.message || e)));
  search();
});
