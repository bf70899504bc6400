// admin-audit.js — Admin → Audit: search the trail and show, per entry,
// the fields that changed between before and after.
import { get } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
let cursor = 0;

const show = (v) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

// changes lists the top-level fields that differ (all of them for a
// created or deleted object).
function changes(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const k of [...keys].sort()) {
    const b = before ? before[k] : undefined;
    const a = after ? after[k] : undefined;
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push([k, b, a]);
  }
  return out;
}

function row(e) {
  const diff = changes(e.before, e.after);
  const list = h("ul", { class: "audit-diff" }, diff.map(([k, b, a]) =>
    h("li", {}, h("code", { text: k }), ": ",
      e.before ? h("del", { text: show(b) }) : null, e.before && e.after ? " → " : null,
      e.after ? h("ins", { text: show(a) }) : null)));
  return h("tr", { "data-action": e.action },
    h("td", { text: new Date(e.at).toLocaleString() }),
    h("td", { text: e.actor }),
    h("td", {}, h("code", { text: e.action })),
    h("td", { text: e.object_name || e.object_id || e.object_type }),
    h("td", {}, diff.length ? h("details", {}, h("summary", { text: `${diff.length} field${diff.length === 1 ? "" : "s"}` }), list) : "—"));
}

async function search(more) {
  const p = new URLSearchParams();
  if ($("a-q").value) p.set("q", $("a-q").value);
  if ($("a-type").value) p.set("object_type", $("a-type").value);
  if ($("a-from").value) p.set("from", new Date($("a-from").value + "T00:00:00").toISOString());
  if ($("a-to").value) p.set("to", new Date($("a-to").value + "T23:59:59.999").toISOString());
  if (more) p.set("before", String(cursor));
  const res = await get(`/api/admin/audit?${p}`);
  const body = $("audit-body");
  const rows = res.entries.map(row);
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  if (!body.children.length) body.append(h("tr", {}, h("td", { colspan: "5", class: "muted", text: "Nothing found." })));
  cursor = res.next_before || 0;
  $("audit-more").hidden = res.entries.length < 50;
}

$("audit-filter").addEventListener("submit", (ev) => {
  ev.preventDefault();
  search(false).catch((err) => ($("audit-body").textContent = err.message));
});
$("audit-more").addEventListener("click", () => search(true));
search(false).catch((err) => ($("audit-body").textContent = err.message));
