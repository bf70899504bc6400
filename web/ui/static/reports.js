// reports.js — the reports page: a date range, an interval and a service
// give every report table (/api/reports), each with its CSV download
// (/api/reports/{table}/csv, the same cells), and a chart of the
// interval table drawn by svg-chart.js.
import { get, isUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { barChart } from "./svg-chart.js";

const $ = (id) => document.getElementById(id);

function toast(message) {
  const t = $("toast");
  t.textContent = message;
  t.hidden = false;
  setTimeout(() => (t.hidden = true), 5000);
}

function params() {
  const p = new URLSearchParams();
  p.set("from", $("from").value);
  p.set("to", $("to").value);
  p.set("interval", $("interval").value);
  if ($("service").value) p.set("service", $("service").value);
  return p;
}

function renderTable(t, p) {
  const csv = `/api/reports/${encodeURIComponent(t.name)}/csv?${p}`;
  const head = h("tr", {}, ...t.columns.map((c) => h("th", { scope: "col", text: c.unit ? `${c.title} (${c.unit})` : c.title })));
  const body = (t.rows || []).map((r) => h("tr", {}, ...r.map((v, i) => h(i === 0 ? "th" : "td", { class: i === 0 ? "" : "num", scope: i === 0 ? "row" : null, text: v }))));
  return h("section", { class: "sup-section report-table", "data-table": t.name },
    h("div", { class: "report-head" }, h("h2", { text: t.title }), h("a", { class: "btn btn-secondary btn-sm", href: csv, download: "", text: "Download CSV" })),
    t.note ? h("p", { class: "muted", text: t.note }) : null,
    h("div", { class: "table-scroll" }, h("table", { class: "sup-table", id: `table-${t.name}` }, h("thead", {}, head), h("tbody", {}, body))),
    body.length ? null : h("p", { class: "sup-empty", text: "Nothing in this range." }));
}

function renderChart(t) {
  if (!t || !t.rows || !t.rows.length) {
    $("chart-box").hidden = true;
    return;
  }
  const col = (k) => t.columns.findIndex((c) => c.key === k);
  const num = (v) => (v === "—" ? null : Number(v));
  const labels = t.rows.map((r) => r[0].slice(5, 16));
  $("chart").replaceChildren(barChart({
    labels,
    bars: [
      { name: "Offered", values: t.rows.map((r) => num(r[col("offered")]) || 0), cls: "bar-offered" },
      { name: "Answered", values: t.rows.map((r) => num(r[col("answered")]) || 0), cls: "bar-answered" },
    ],
    line: { name: "Service level", values: t.rows.map((r) => num(r[col("service_level")])) },
  }));
  $("chart-box").hidden = false;
}

async function load() {
  const p = params();
  try {
    const rep = await get(`/api/reports?${p}`);
    $("report-zone").textContent = `Times in ${rep.time_zone}`;
    $("tables").replaceChildren(...rep.tables.map((t) => renderTable(t, p)));
    renderChart(rep.tables.find((t) => t.name === "intervals"));
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (isUnauthorized(err)) location.assign("/login?next=/reports");
    else toast(`Could not load the report: ${err.message}`);
  }
}

async function init() {
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const weekAgo = new Date(today.getTime() - 6 * 86400000);
  $("from").value = iso(weekAgo);
  $("to").value = iso(today);
  try {
    const { thresholds } = await get("/api/thresholds");
    for (const t of thresholds) $("service").append(h("option", { value: t.service_id, text: t.service }));
  } catch (err) {
    if (isUnauthorized(err)) location.assign("/login?next=/reports");
  }
  $("report-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  await load();
}
init();
