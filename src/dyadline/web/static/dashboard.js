// dyadline dashboard: reads the form (or the page's query string), asks the
// API, draws the charts with plotly.js (served by this server) and fills the table.
"use strict";

const $ = (id) => document.getElementById(id);
const COOP = "#2a9d8f", CONFL = "#e76f51", INK = "#264653";

function params() {
  const p = new URLSearchParams();
  for (const k of ["a", "b", "since", "until", "freq"]) {
    const v = $(k).value.trim();
    if (v) p.set(k, k === "a" || k === "b" ? v.toUpperCase() : v);
  }
  if ($("directed").checked) p.set("directed", "true");
  return p;
}

async function api(path, p) {
  const r = await fetch(path + "?" + p.toString());
  const body = await r.json();
  if (!body.ok) throw new Error(body.error);
  return body;
}

function drawTimeline(series) {
  const x = series.buckets.map((b) => b.period);
  Plotly.newPlot($("timeline"), [
    { type: "bar", name: "cooperation", x, y: series.buckets.map((b) => b.cooperation), marker: { color: COOP } },
    { type: "bar", name: "conflict", x, y: series.buckets.map((b) => -b.conflict), marker: { color: CONFL } },
    { type: "scatter", name: "balance", x, y: series.buckets.map((b) => b.balance), yaxis: "y2",
      mode: "lines+markers", line: { color: INK } },
  ], { barmode: "relative", margin: { t: 10, r: 50, l: 40, b: 40 }, legend: { orientation: "h" },
       yaxis: { title: "events" }, yaxis2: { title: "balance", overlaying: "y", side: "right", range: [-1.1, 1.1], dtick: 0.5, showgrid: false } },
  { displaylogo: false, responsive: true });
}

function drawTypes(series) {
  const totals = {};
  for (const b of series.buckets) for (const [t, n] of Object.entries(b.types)) totals[t] = (totals[t] || 0) + n;
  const types = Object.keys(totals);
  Plotly.newPlot($("types"), [{ type: "bar", x: types, y: types.map((t) => totals[t]), marker: { color: INK } }],
    { margin: { t: 10, r: 10, l: 40, b: 80 } }, { displaylogo: false, responsive: true });
}

function drawNetwork(dyads) {
  const nodes = [...new Set(dyads.flatMap((d) => [d.a, d.b]))];
  const pos = {};
  nodes.forEach((n, i) => {
    const t = (2 * Math.PI * i) / Math.max(nodes.length, 1);
    pos[n] = [Math.cos(t), Math.sin(t)];
  });
  const most = Math.max(1, ...dyads.map((d) => d.events));
  const edges = dyads.map((d) => ({
    type: "scatter", mode: "lines", hoverinfo: "text", showlegend: false,
    text: `${d.a}–${d.b}: ${d.events} events, Goldstein ${d.goldstein_sum}`,
    x: [pos[d.a][0], pos[d.b][0]], y: [pos[d.a][1], pos[d.b][1]],
    line: { width: 1 + (6 * d.events) / most, color: d.conflict > d.cooperation ? CONFL : COOP },
  }));
  const dots = { type: "scatter", mode: "markers+text", showlegend: false, text: nodes, textposition: "top center",
    x: nodes.map((n) => pos[n][0]), y: nodes.map((n) => pos[n][1]), marker: { size: 12, color: INK } };
  Plotly.newPlot($("network"), [...edges, dots], {
    margin: { t: 10, r: 10, l: 10, b: 10 }, xaxis: { visible: false }, yaxis: { visible: false } },
  { displaylogo: false, responsive: true });
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function actor(a) {
  return a ? `${a.country || "---"}${a.sector} ${a.name}` : "–";
}

function fillTable(page) {
  const body = $("events").querySelector("tbody");
  body.replaceChildren();
  for (const e of page.events) {
    const tr = document.createElement("tr");
    tr.className = "event";
    tr.append(cell(e.date || "–"), cell(e.type), cell(actor(e.source)), cell(actor(e.target)),
      cell(e.goldstein ?? ""), cell(e.evidence));
    const link = document.createElement("a");
    link.href = `/articles/${encodeURIComponent(e.article_id)}?focus=${encodeURIComponent(e.event_id)}`;
    link.textContent = "article";
    const td = document.createElement("td");
    td.append(link);
    tr.append(td);
    body.append(tr);
  }
  $("count").textContent = `${page.total} in all` + (page.total > page.events.length ? `, first ${page.events.length}` : "");
}

async function show() {
  const p = params();
  if (!p.get("a")) return;
  history.replaceState(null, "", "?" + p.toString());
  const status = $("status");
  status.dataset.state = "loading";
  status.textContent = "loading…";
  try {
    const ev = new URLSearchParams(p);
    ev.delete("freq");
    if (!p.get("b")) { ev.set("actor", p.get("a")); ev.delete("a"); }
    ev.set("page_size", "200");
    const range = new URLSearchParams();
    for (const k of ["since", "until"]) if (p.get(k)) range.set(k, p.get(k));
    range.set("limit", "15");
    const [series, page, top] = await Promise.all([
      api("/api/series", p), api("/api/events", ev), api("/api/dyads/top", range)]);
    const arrow = series.directed ? "→" : "–";
    $("selection").textContent = series.b ? `${series.a}${arrow}${series.b}` : `${series.a} with all`;
    drawTimeline(series);
    drawTypes(series);
    drawNetwork(top.dyads);
    fillTable(page);
    status.dataset.state = "done";
    status.textContent = `${series.total} events`;
  } catch (err) {
    status.dataset.state = "error";
    status.textContent = "Error: " + err.message;
  }
}

window.addEventListener("DOMContentLoaded", () => {
  const q = new URLSearchParams(location.search);
  for (const k of ["a", "b", "since", "until", "freq"]) if (q.get(k)) $(k).value = q.get(k);
  $("directed").checked = q.get("directed") === "true";
  $("pick").addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
  show();
});
