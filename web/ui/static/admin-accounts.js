// admin-accounts.js — the Admin page of integration accounts: list with
// credentials and webhook health and the webhook URL to paste, create /
// edit / delete for every channel, Generate random token, Test Connection,
// Set Webhook, an on-demand health check and a Facebook page's website
// button (account-website-button.js).
import { get, post, put, del } from "./api.js";
import { h } from "./dom.js";
import { TYPES, label, valueOf, isSet } from "./account-types.js";
import { websiteButtonFields } from "./account-website-button.js";

const $ = (id) => document.getElementById(id);
const el = {
  body: $("accounts-body"),
  form: $("account-form"),
  title: $("form-title"),
  type: $("f-type"),
  name: $("f-name"),
  fields: $("type-fields"),
  result: $("test-result"),
  error: $("form-error"),
  setWebhook: $("set-webhook"),
  toast: $("toast"),
};
let editing = null; // account being edited, or null for a new one
let types = Object.keys(TYPES);

function toast(msg) {
  el.toast.textContent = msg;
  el.toast.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => (el.toast.hidden = true), 4000);
}

function tokenCell(a) {
  const ok = a.active;
  return h("span", { class: "health", "data-ok": String(ok), title: a.status_reason || "" }, ok ? "Active" : `Inactive: ${a.status_reason || "credentials error"}`);
}

function webhookCell(a) {
  const copy = h("button", { class: "btn btn-ghost copy-button", type: "button", text: "Copy", title: "Copy the webhook URL",
    onclick: async () => { await navigator.clipboard.writeText(a.webhook_url).catch(() => {}); toast("Webhook URL copied"); } });
  const url = h("div", { class: "webhook-url" }, h("code", { text: a.webhook_url }), " ", copy);
  const hl = a.health;
  if (!hl) return h("div", {}, url, h("span", { class: "health", text: "Not checked" }));
  const when = new Date(hl.checked_at).toLocaleString();
  if (hl.error) return h("div", {}, url, h("span", { class: "health", "data-ok": "false", title: `checked ${when}` }, hl.error));
  const text = hl.resubscribed ? "Registered (repaired)" : hl.subscribed ? "Registered" : "Not registered";
  return h("div", {}, url, h("span", { class: "health", "data-ok": String(hl.subscribed), title: `checked ${when}` }, text));
}

function row(a) {
  const ownID = a.page_id && !a.page_id.startsWith("parley:") ? a.page_id : ""; // not one Parley made up
  const who = [a.page_username && "@" + a.page_username.replace(/^@/, ""), ownID].filter(Boolean).join(" · ");
  return h(
    "tr",
    { "data-account": a.name },
    h("td", {}, h("strong", { text: a.name })),
    h("td", {}, h("div", { text: label(a.type) }), h("div", { class: "muted", text: who })),
    h("td", { class: "token-cell" }, tokenCell(a), h("div", { class: "muted", text: a.access_token_hint ? `token ${a.access_token_hint}` : "" })),
    h("td", { class: "webhook-cell" }, webhookCell(a)),
    h("td", { text: a.entry || "—" }),
    h(
      "td",
      {},
      h("button", { class: "btn btn-secondary", type: "button", text: "Edit", onclick: () => showForm(a) }), " ",
      h("button", { class: "btn btn-secondary check-button", type: "button", text: "Check now", onclick: () => check(a) }), " ",
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(a) })
    )
  );
}

async function load() {
  const res = await get("/api/admin/accounts");
  const list = res.accounts || [];
  if (res.types) types = res.types.filter((t) => TYPES[t]);
  el.body.replaceChildren(...(list.length ? list.map(row) : [h("tr", {}, h("td", { colspan: "6", text: "No accounts yet." }))]));
}

// field renders one input of the chosen account type.
function field(f, a) {
  const id = `f-${f.key.replace(/[^a-z0-9]+/gi, "-")}`;
  let input;
  if (f.checkbox) {
    input = h("input", { id, type: "checkbox", "data-key": f.key });
    input.checked = !!valueOf(a, f.key);
    return [h("label", { for: id, text: f.label }), h("label", {}, input, " " + f.checkbox)];
  }
  if (f.choices) {
    input = h("select", { id, "data-key": f.key }, ...f.choices.map((c) => h("option", { value: c, text: c })));
    input.value = valueOf(a, f.key) || f.choices[0];
  } else {
    input = h(f.textarea ? "textarea" : "input", { id, "data-key": f.key, type: f.secret && !f.textarea ? "password" : f.type || "text" });
    if (f.required) input.required = true;
    if (f.maxlength) input.maxLength = f.maxlength;
    if (f.inputmode) input.inputMode = f.inputmode;
    if (f.secret) {
      input.value = "";
      input.placeholder = isSet(a, f.key) ? `unchanged${f.key === "access_token" && a.access_token_hint ? " (" + a.access_token_hint + ")" : ""}` : f.placeholder || "";
    } else {
      input.value = valueOf(a, f.key);
      input.placeholder = f.placeholder || "";
    }
  }
  if (!f.generate) return [h("label", { for: id, text: f.label }), input];
  const gen = h("button", { class: "btn btn-secondary", type: "button", text: "Generate random token",
    onclick: async () => { input.value = (await post("/api/admin/verify-token")).verify_token; } });
  return [h("label", { for: id, text: f.label }), h("div", { class: "field-with-button" }, input, gen)];
}

function renderFields(type, a) {
  el.fields.replaceChildren(...TYPES[type].fields.flatMap((f) => field(f, a)));
  if (type === "facebook") el.fields.append(...websiteButtonFields(a, toast));
  el.setWebhook.hidden = !(a && TYPES[type].setWebhook);
}

function showForm(a) {
  editing = a;
  el.form.hidden = false;
  el.type.replaceChildren(...types.map((t) => h("option", { value: t, text: label(t) })));
  el.type.value = a ? a.type : "facebook";
  el.type.disabled = !!a;
  el.title.textContent = a ? `Edit ${a.name}` : "New account";
  el.name.value = a ? a.name : "";
  el.name.readOnly = !!a;
  renderFields(el.type.value, a);
  el.result.hidden = true;
  el.error.hidden = true;
  el.name.focus();
}

// input reads the form as the API takes it.
function input() {
  const out = { name: el.name.value.trim(), type: el.type.value, settings: {} };
  for (const node of el.fields.querySelectorAll("[data-key]")) {
    const key = node.dataset.key;
    const value = node.type === "checkbox" ? node.checked : node.value.trim();
    if (key.startsWith("settings.")) out.settings[key.slice(9)] = value;
    else out[key] = value;
  }
  if (out.type === "vonage") out.page_id = out.settings.from; // a Vonage number is its own id
  return out;
}

async function check(a) {
  try {
    const res = await post(`/api/admin/accounts/${encodeURIComponent(a.id)}/check`);
    toast(res.active ? `${a.name}: credentials and webhook checked` : `${a.name}: ${res.status_reason}`);
  } catch (err) {
    toast(err.message);
  }
  await load();
}

async function remove(a) {
  if (!confirm(`Delete the account ${a.name}? Its chats stay in history.`)) return;
  try {
    await del(`/api/admin/accounts/${encodeURIComponent(a.id)}`);
    toast(`${a.name} deleted`);
  } catch (err) {
    toast(err.message);
  }
  await load();
}

function showResult(valid, text) {
  el.result.hidden = false;
  el.result.dataset.valid = String(valid);
  el.result.textContent = text;
}

$("new-account").addEventListener("click", () => showForm(null));
$("cancel-account").addEventListener("click", () => (el.form.hidden = true));
el.type.addEventListener("change", () => renderFields(el.type.value, null));
$("test-connection").addEventListener("click", async () => {
  showResult("", "Testing…");
  try {
    const res = await post("/api/admin/accounts/test", { ...input(), id: editing ? editing.id : "" });
    showResult(res.valid, res.valid ? `Valid: the credentials belong to ${res.page_name || "the account"}${res.page_id ? " (" + res.page_id + ")" : ""}.` : `Invalid: ${res.reason}`);
    if (editing) await load();
  } catch (err) {
    showResult(false, err.message);
  }
});
el.setWebhook.addEventListener("click", async () => {
  showResult("", "Setting the webhook…");
  try {
    const a = await post(`/api/admin/accounts/${encodeURIComponent(editing.id)}/webhook`);
    showResult(true, `Webhook set: ${a.webhook_url}`);
    await load();
  } catch (err) {
    showResult(false, err.message);
  }
});
el.form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  el.error.hidden = true;
  try {
    const a = editing ? await put(`/api/admin/accounts/${encodeURIComponent(editing.id)}`, input()) : await post("/api/admin/accounts", input());
    toast(`${a.name} saved`);
    el.form.hidden = true;
    await load();
  } catch (err) {
    el.error.textContent = err.message;
    el.error.hidden = false;
  }
});

load().catch((err) => toast(err.message));
