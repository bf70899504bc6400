// admin-api-keys.js — the Admin page of API keys: list, create (the token
// shown once) and revoke.
import { get, post, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
const when = (t) => (t ? new Date(t).toLocaleString() : "—");

function row(k) {
  const revoked = !!k.revoked_at;
  return h("tr", { "data-key": k.name, "data-revoked": String(revoked) },
    h("td", {}, h("strong", { text: k.name })),
    h("td", { text: k.role }),
    h("td", {}, h("code", { text: `prk_…${k.hint}` })),
    h("td", { text: `${when(k.created_at)} by ${k.created_by}` }),
    h("td", { text: when(k.last_used_at) }),
    h("td", {}, revoked
      ? h("span", { class: "health", "data-ok": "false", text: `Revoked ${when(k.revoked_at)}` })
      : h("button", { class: "btn btn-ghost", type: "button", text: "Revoke", onclick: () => revoke(k) })));
}

async function load() {
  const res = await get("/api/admin/api-keys");
  const body = $("keys-body");
  body.replaceChildren(...res.keys.map(row));
  if (!res.keys.length) body.append(h("tr", {}, h("td", { colspan: "6", class: "muted", text: "No API keys yet." })));
}

async function revoke(k) {
  if (!confirm(`Revoke the key ${k.name}? Whatever uses it stops working at once.`)) return;
  try {
    await del(`/api/admin/api-keys/${k.id}`);
    await load();
  } catch (err) {
    $("toast").textContent = err.message;
    $("toast").hidden = false;
  }
}

$("key-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("key-error").hidden = true;
  try {
    const k = await post("/api/admin/api-keys", { name: $("k-name").value, role: $("k-role").value });
    $("token-value").textContent = k.token;
    $("token-box").hidden = false;
    $("k-name").value = "";
    await load();
  } catch (err) {
    $("key-error").textContent = err.message;
    $("key-error").hidden = false;
  }
});
load().catch((err) => ($("keys-body").textContent = err.message));
