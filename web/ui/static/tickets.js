// tickets.js — the Tickets page: list the cases customers filed (by
// status, assigned to me, case number; a page at a time), open one, read
// its history, change its status (with an optional message to the
// customer), assign it, add internal notes.
import { get, post, request, isUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { toast } from "./page-ui.js";

const $ = (id) => document.getElementById(id);
const PAGE = 25;
const STATUSES = ["new", "open", "pending", "solved", "closed"];
const role = document.body.dataset.role;

let me = null; // the signed-in user (GET /api/me)
let agents = []; // colleagues to assign to (GET /api/routing/directory)
let offset = 0;
let current = null; // the ticket shown
let lists = 0; // only the newest list request draws

function failed(err) {
  if (isUnauthorized(err)) location.assign("/login");
  else toast(err.message);
}

const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
const pill = (status) => h("span", { class: `pill pill-tk-${status}`, text: status });

function query() {
  const p = new URLSearchParams();
  const statuses = [...document.querySelectorAll('#tk-filter input[name="status"]:checked')].map((c) => c.value);
  if (statuses.length) p.set("status", statuses.join(","));
  if ($("tk-mine").checked && me) p.set("assignee", me.id);
  const n = $("tk-number").value.trim().replace(/^#/, "");
  if (n) p.set("number", n);
  p.set("limit", String(PAGE));
  p.set("offset", String(offset));
  return p;
}

function row(t) {
  const tr = h(
    "tr",
    { class: "tr-row", tabindex: "0", "data-ticket-id": t.id, "data-number": String(t.number), "aria-selected": String(current?.id === t.id) },
    h("td", { class: "num", text: `#${t.number}` }),
    h("th", { scope: "row", class: "tk-subject", text: t.subject }),
    h("td", {}, pill(t.status)),
    h("td", { text: t.assignee_name || (t.assignee_id ? "someone" : "—") }),
    h("td", { text: t.customer_name || "—" }),
    h("td", { class: "num", text: when(t.updated_at) })
  );
  const show = () => openTicket(t.id);
  tr.addEventListener("click", show);
  tr.addEventListener("keydown", (e) => e.key === "Enter" && show());
  return tr;
}

async function list() {
  const seq = ++lists;
  const p = query();
  try {
    const page = await get(`/api/tickets?${p}`);
    if (seq !== lists) return;
    $("tk-table").tBodies[0].replaceChildren(...page.tickets.map(row));
    $("tk-empty").hidden = page.tickets.length > 0;
    $("tk-total").textContent = `(${page.total})`;
    $("tk-range").textContent = page.total ? `${offset + 1}–${offset + page.tickets.length} of ${page.total}` : "";
    $("tk-prev").disabled = offset === 0;
    $("tk-next").disabled = offset + page.tickets.length >= page.total;
    $("tk-table").dataset.query = p.toString();
  } catch (err) {
    if (seq === lists) failed(err);
  }
}

function fact(term, ...value) {
  return [h("dt", { text: term }), h("dd", {}, ...value)];
}

const consentText = { yes: "Yes: the customer agreed to be told about changes", no: "No: the customer declined", "": "Not asked" };

// entry is one line of the history, in words.
function entry(e) {
  const who = e.author_name || (e.author_id ? "someone" : "");
  let what;
  let text = e.text;
  switch (e.kind) {
    case "created":
      what = "Filed";
      break;
    case "status":
      what = `Status ${e.from || "—"} → ${e.to}`;
      break;
    case "assignee":
      what = e.to ? `Assigned to ${e.to_name || "someone"}` : `Unassigned${e.from_name ? ` (was ${e.from_name})` : ""}`;
      break;
    case "note":
      what = "Internal note";
      break;
    case "consent":
      what = `Follow-up consent: ${e.to || "not asked"}`;
      break;
    case "follow_up":
      what = "Follow-up sent to the customer";
      break;
    case "not_deliverable":
      what = "Follow-up not deliverable";
      break;
    default:
      what = e.kind;
  }
  return h(
    "li",
    { class: `tk-entry tk-entry-${e.kind}`, "data-kind": e.kind },
    h("div", { class: "tk-entry-head" }, h("strong", { text: what }), h("span", { class: "muted", text: ` ${[who, when(e.at)].filter(Boolean).join(" · ")}` })),
    text ? h("p", { class: "tk-entry-text", text }) : null
  );
}

function assigneeOptions(t) {
  const opts = [h("option", { value: "", text: "Nobody" })];
  if (me) opts.push(h("option", { value: me.id, text: `Me (${me.display_name})` }));
  for (const a of agents) opts.push(h("option", { value: a.id, text: a.name }));
  if (t.assignee_id && !opts.some((o) => o.value === t.assignee_id)) opts.push(h("option", { value: t.assignee_id, text: t.assignee_name || "someone" }));
  const sel = $("tk-assignee");
  sel.replaceChildren(...opts);
  sel.value = t.assignee_id || "";
}

function showTicket(t, entries) {
  current = t;
  const d = $("tk-detail");
  d.hidden = false;
  d.dataset.ticketId = t.id;
  d.dataset.version = String(t.version);
  $("tk-title").textContent = `#${t.number} ${t.subject}`;
  $("tk-status").replaceWith(Object.assign(pill(t.status), { id: "tk-status" }));
  $("tk-facts").replaceChildren(
    ...fact("Customer", t.customer_name || "—"),
    ...fact("Service", t.service_name || "—"),
    ...fact("Assignee", t.assignee_name || (t.assignee_id ? "someone" : "Nobody")),
    ...fact("Follow-ups", consentText[t.follow_up] ?? t.follow_up),
    ...fact("Filed", when(t.created_at)),
    ...fact("Updated", when(t.updated_at)),
    // The service's extra form fields, as the customer answered them.
    ...(t.field_list || []).flatMap((f) => fact(f.label, f.value))
  );
  $("tk-description").replaceChildren(t.description ? h("p", { text: t.description }) : h("p", { class: "muted", text: "No details given." }));
  // The transcript is for supervisors and admins (an agent reads only
  // the chats they are in).
  const tr = $("tk-transcript");
  tr.hidden = !t.chat_id || (role !== "supervisor" && role !== "admin");
  if (t.chat_id) tr.href = `/transcripts/${encodeURIComponent(t.chat_id)}`;
  const sel = $("tk-status-select");
  sel.replaceChildren(...STATUSES.map((s) => h("option", { value: s, text: s })));
  sel.value = t.status;
  $("tk-assign-me").hidden = !me || t.assignee_id === me.id;
  assigneeOptions(t);
  $("tk-history").replaceChildren(...entries.map(entry));
  for (const r of $("tk-table").tBodies[0].rows) r.setAttribute("aria-selected", String(r.dataset.ticketId === t.id));
  const u = new URL(location.href);
  u.searchParams.set("ticket", t.id);
  history.replaceState(null, "", u);
}

async function openTicket(id) {
  try {
    const v = await get(`/api/tickets/${encodeURIComponent(id)}`);
    if (current?.id !== id) $("tk-conflict").hidden = true;
    showTicket(v.ticket, v.history);
  } catch (err) {
    failed(err);
  }
}

// change PATCHes the ticket shown at the version shown; a stale version
// (someone else changed it) says so and shows the ticket as it is now.
async function change(body, button) {
  if (!current) return false;
  button.disabled = true;
  $("tk-conflict").hidden = true;
  try {
    await request("PATCH", `/api/tickets/${encodeURIComponent(current.id)}`, { version: current.version, ...body });
    await Promise.all([openTicket(current.id), list()]);
    return true;
  } catch (err) {
    if (err.status === 409) {
      const c = $("tk-conflict");
      c.textContent = `Someone else changed case #${current.number} while you had it open. It now shows their change: check it, then make yours again.`;
      c.hidden = false;
      await Promise.all([openTicket(current.id), list()]);
    } else failed(err);
    return false;
  } finally {
    button.disabled = false;
  }
}

$("tk-status-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const status = $("tk-status-select").value;
  const message = $("tk-message").value.trim();
  if (status === current?.status) {
    toast(`The case is already ${status}.`);
    return;
  }
  if (await change({ status, message }, $("tk-status-save"))) {
    $("tk-message").value = "";
    toast(`Case #${current.number} is now ${status}.`);
  }
});

$("tk-assign-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  await change({ assignee_id: $("tk-assignee").value }, $("tk-assign-save"));
});

$("tk-assign-me").addEventListener("click", async () => {
  if (me) await change({ assignee_id: me.id }, $("tk-assign-me"));
});

$("tk-note-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("tk-note").value.trim();
  if (!text || !current) return;
  const button = $("tk-note-save");
  button.disabled = true;
  try {
    await post(`/api/tickets/${encodeURIComponent(current.id)}/notes`, { text });
    $("tk-note").value = "";
    await openTicket(current.id);
  } catch (err) {
    failed(err);
  } finally {
    button.disabled = false;
  }
});

// Filters apply at once; the case number on Find (or Enter).
$("tk-filter").addEventListener("change", (e) => {
  if (e.target.id === "tk-number") return;
  offset = 0;
  list();
});
$("tk-filter").addEventListener("submit", (e) => {
  e.preventDefault();
  offset = 0;
  list();
});
$("tk-prev").addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  list();
});
$("tk-next").addEventListener("click", () => {
  offset += PAGE;
  list();
});

async function start() {
  try {
    const [u, dir] = await Promise.all([get("/api/me"), get("/api/routing/directory").catch(() => ({ agents: [] }))]);
    me = u;
    agents = dir.agents || [];
  } catch (err) {
    failed(err);
    return;
  }
  await list();
  const id = new URLSearchParams(location.search).get("ticket");
  if (id) await openTicket(id);
  document.body.dataset.loaded = "true";
}

start();
