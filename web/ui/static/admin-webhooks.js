// admin-webhooks.js — the Admin page of outgoing webhooks: subscriptions
// with their delivery status, create / edit / pause / delete, the signing
// secret shown once, and each webhook's delivery log.
import { get, post, put, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
let names = [];
let editing = null; // the webhook being edited, or null for a new one
let logOf = null; // the webhook whose log is shown
let logBefore = 0;

function toast(msg) {
  const t = $("toast");
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => (t.hidden = true), 4000);
}

function statusCell(w) {
  if (w.status === "paused") return h("span", { class: "health", text: "Paused" });
  if (w.status === "failing") {
    const next = w.next_attempt_at ? ` · next try ${new Date(w.next_attempt_at).toLocaleTimeString()}` : "";
    return h("span", { class: "health", "data-ok": "false", title: w.last_error || "" }, `Failing (${w.failures})${next}`);
  }
  const last = w.last_success_at ? ` · last ${new Date(w.last_success_at).toLocaleTimeString()}` : "";
  return h("span", { class: "health", "data-ok": "true" }, `OK${last}`);
}

function row(w) {
  return h("tr", { "data-hook": w.name },
    h("td", {}, h("strong", { text: w.name })),
    h("td", {}, h("code", { text: w.url })),
    h("td", { text: w.events.join(", ") }),
    h("td", {}, statusCell(w), w.last_error ? h("div", { class: "muted", text: w.last_error }) : null),
    h("td", { class: "row-actions" },
      h("button", { class: "btn btn-secondary", type: "button", text: "Deliveries", onclick: () => showLog(w, 0) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => openForm(w) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(w) })));
}

async function load() {
  const res = await get("/api/admin/webhooks");
  names = res.events;
  const body = $("hooks-body");
  body.replaceChildren(...res.webhooks.map(row));
  if (!res.webhooks.length) body.append(h("tr", {}, h("td", { colspan: "5", class: "muted", text: "No webhooks yet." })));
  if (logOf) {
    const w = res.webhooks.find((x) => x.id === logOf.id);
    if (w && logBefore === 0) showLog(w, 0);
  }
}

function openForm(w) {
  editing = w;
  $("hook-form-title").textContent = w ? `Edit ${w.name}` : "New webhook";
  $("h-name").value = w ? w.name : "";
  $("h-url").value = w ? w.url : "";
  $("h-private").checked = w ? w.allow_private : false;
  $("h-active").checked = w ? w.active : true;
  const chosen = new Set(w ? w.events : ["chat.created", "message.created", "chat.closed"]);
  $("h-events").replaceChildren(...names.map((n) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", value: n, checked: chosen.has(n) }), " ", n)));
  $("hook-error").hidden = true;
  $("hook-form").hidden = false;
  $("h-name").focus();
}

async function save(ev) {
  ev.preventDefault();
  const body = {
    name: $("h-name").value,
    url: $("h-url").value,
    events: [...$("h-events").querySelectorAll("input:checked")].map((i) => i.value),
    allow_private: $("h-private").checked,
    active: $("h-active").checked,
  };
  try {
    if (editing) {
      await put(`/api/admin/webhooks/${editing.id}`, { ...body, version: editing.version });
      toast(`Saved ${body.name}`);
    } else {
      const created = await post("/api/admin/webhooks", body);
      $("secret-value").textContent = created.secret;
      $("secret-box").hidden = false;
      toast(`Created ${created.name}`);
    }
    $("hook-form").hidden = true;
    await load();
  } catch (err) {
    $("hook-error").textContent = err.message;
    $("hook-error").hidden = false;
  }
}

async function remove(w) {
  if (!confirm(`Delete the webhook ${w.name} and its delivery log?`)) return;
  try {
    await del(`/api/admin/webhooks/${w.id}`);
    if (logOf && logOf.id === w.id) $("log-box").hidden = true;
    await load();
  } catch (err) {
    toast(err.message);
  }
}

async function showLog(w, before) {
  logOf = w;
  logBefore = before;
  const res = await get(`/api/admin/webhooks/${w.id}/deliveries?before=${before}`);
  $("log-title").textContent = `Deliveries · ${w.name}`;
  const rows = res.deliveries.map((d) =>
    h("tr", { "data-delivered": String(d.delivered) },
      h("td", { text: new Date(d.at).toLocaleString() }),
      h("td", {}, h("code", { text: d.event_type }), h("span", { class: "muted", text: ` #${d.event_id}` })),
      h("td", { text: String(d.attempt) }),
      h("td", {}, h("span", { class: "health", "data-ok": String(d.delivered), text: d.status_code ? `HTTP ${d.status_code}` : "No answer" }),
        d.error ? h("div", { class: "muted", text: d.error }) : null),
      h("td", { text: `${Math.round(d.duration_ms)} ms` })));
  const body = $("log-body");
  if (before === 0) body.replaceChildren(...rows);
  else body.append(...rows);
  if (!body.children.length) body.append(h("tr", {}, h("td", { colspan: "5", class: "muted", text: "Nothing delivered yet." })));
  const more = $("log-more");
  more.hidden = !res.next_before || res.deliveries.length < 50;
  more.onclick = () => showLog(w, res.next_before);
  $("log-box").hidden = false;
}

$("new-hook").addEventListener("click", () => openForm(null));
$("cancel-hook").addEventListener("click", () => ($("hook-form").hidden = true));
$("hook-form").addEventListener("submit", save);
load().catch((err) => toast(err.message));
setInterval(() => load().catch(() => {}), 5000); // delivery status changes on its own
