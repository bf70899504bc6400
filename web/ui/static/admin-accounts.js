// admin-accounts.js — the Admin page of integration accounts: list with
// token and webhook health, create / edit / delete, Generate random token,
// Test Connection and an on-demand health check.
import { get, post, put, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
const el = {
  body: $("accounts-body"),
  form: $("account-form"),
  title: $("form-title"),
  name: $("f-name"),
  username: $("f-username"),
  pageId: $("f-page-id"),
  token: $("f-token"),
  secret: $("f-secret"),
  verify: $("f-verify"),
  base: $("f-base"),
  human: $("f-human"),
  result: $("test-result"),
  error: $("form-error"),
  toast: $("toast"),
};
let editing = null; // account being edited, or null for a new one


function toast(msg) {
  el.toast.textContent = msg;
  el.toast.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => (el.toast.hidden = true), 4000);
}

function tokenCell(a) {
  const ok = a.active;
  return h("span", { class: "health", "data-ok": String(ok), title: a.status_reason || "" }, ok ? "Active" : `Inactive: ${a.status_reason || "token error"}`);
}

function webhookCell(a) {
  const hl = a.health;
  if (!hl) return h("span", { class: "health", text: "Not checked" });
  const when = new Date(hl.checked_at).toLocaleString();
  if (hl.error) return h("span", { class: "health", "data-ok": "false", title: `checked ${when}` }, hl.error);
  const text = hl.resubscribed ? "Subscribed (re-subscribed)" : hl.subscribed ? "Subscribed" : "Not subscribed";
  return h("span", { class: "health", "data-ok": String(hl.subscribed), title: `checked ${when}` }, text);
}

async function load() {
  const res = await get("/api/admin/accounts");
  const list = res.accounts || [];
  el.body.replaceChildren(
    ...(list.length
      ? list.map((a) =>
          h(
            "tr",
            { "data-account": a.name },
            h("td", {}, h("strong", { text: a.name })),
            h("td", {}, `${a.page_username ? "@" + a.page_username + " · " : ""}${a.page_id}`),
            h("td", { class: "token-cell" }, tokenCell(a), h("div", { class: "muted", text: a.access_token_hint ? `token ${a.access_token_hint}` : "" })),
            h("td", { class: "webhook-cell" }, webhookCell(a)),
            h("td", { text: a.entry || "—" }),
            h(
              "td",
              {},
              h("button", { class: "btn btn-secondary", type: "button", text: "Edit", onclick: () => edit(a) }), " ",
              h("button", { class: "btn btn-secondary check-button", type: "button", text: "Check now", onclick: () => check(a) }), " ",
              h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(a) })
            )
          )
        )
      : [h("tr", {}, h("td", { colspan: "6", text: "No accounts yet." }))])
  );
}

function showForm(a) {
  editing = a;
  el.form.hidden = false;
  el.title.textContent = a ? `Edit ${a.name}` : "New Facebook account";
  el.name.value = a ? a.name : "";
  el.name.readOnly = !!a;
  el.username.value = a ? a.page_username : "";
  el.pageId.value = a ? a.page_id : "";
  el.token.value = "";
  el.token.placeholder = a ? `unchanged (${a.access_token_hint || "set"})` : "";
  el.secret.value = "";
  el.secret.placeholder = a && a.app_secret_set ? "unchanged" : "";
  el.verify.value = "";
  el.verify.placeholder = a && a.verify_token_set ? "unchanged" : "";
  el.base.value = a ? a.api_base_url || "" : "";
  el.human.checked = !!(a && a.human_agent);
  el.result.hidden = true;
  el.error.hidden = true;
  el.name.focus();
}

const edit = (a) => showForm(a);

function input() {
  return {
    name: el.name.value.trim(),
    page_id: el.pageId.value.trim(),
    page_username: el.username.value.trim(),
    access_token: el.token.value.trim(),
    app_secret: el.secret.value.trim(),
    verify_token: el.verify.value.trim(),
    api_base_url: el.base.value.trim(),
    human_agent: el.human.checked,
  };
}

async function check(a) {
  try {
    const res = await post(`/api/admin/accounts/${encodeURIComponent(a.id)}/check`);
    toast(res.active ? `${a.name}: token and webhook checked` : `${a.name}: ${res.status_reason}`);
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

$("new-account").addEventListener("click", () => showForm(null));
$("cancel-account").addEventListener("click", () => (el.form.hidden = true));
$("gen-token").addEventListener("click", async () => {
  const res = await post("/api/admin/verify-token");
  el.verify.value = res.verify_token;
});
$("test-connection").addEventListener("click", async () => {
  el.result.hidden = false;
  el.result.removeAttribute("data-valid");
  el.result.textContent = "Testing…";
  try {
    const res = await post("/api/admin/accounts/test", { ...input(), id: editing ? editing.id : "" });
    el.result.dataset.valid = String(res.valid);
    el.result.textContent = res.valid ? `Valid: the token belongs to ${res.page_name} (${res.page_id}).` : `Invalid: ${res.reason}`;
    if (editing) await load();
  } catch (err) {
    el.result.dataset.valid = "false";
    el.result.textContent = err.message;
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

$("webhook-url").textContent = `${location.origin}/webhooks/facebook`;
load().catch((err) => toast(err.message));
