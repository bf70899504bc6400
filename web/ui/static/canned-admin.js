// canned-admin.js — the Canned responses page: every user lists the
// responses they may use and keeps their personal ones; supervisors and
// admins also write the global list and each service's list. Responses
// declared in the configuration file are shown but not editable here.
import { get, post, put, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
const el = {
  body: $("canned-body"),
  q: $("canned-q"),
  form: $("canned-form"),
  formTitle: $("canned-form-title"),
  scope: $("c-scope"),
  service: $("c-service"),
  serviceLabel: $("c-service-label"),
  title: $("c-title"),
  shortcut: $("c-shortcut"),
  text: $("c-text"),
  quick: $("c-quick"),
  buttons: $("c-buttons"),
  attachments: $("c-attachments"),
  error: $("canned-error"),
  toast: $("toast"),
};
const manager = ["supervisor", "admin"].includes(document.body.dataset.role);
let list = [];
let services = []; // {id, name}
let editing = null; // the response being edited, or null for a new one

function toast(msg) {
  el.toast.textContent = msg;
  el.toast.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => (el.toast.hidden = true), 4000);
}

function serviceName(id) {
  return (services.find((s) => s.id === id) || {}).name || "a service";
}

function listLabel(c) {
  if (c.scope === "personal") return "Personal";
  if (c.scope === "service") return `Service: ${serviceName(c.service_id)}`;
  return "Global";
}

function extras(c) {
  const parts = [];
  if (c.quick_replies?.length) parts.push(`${c.quick_replies.length} quick repl${c.quick_replies.length === 1 ? "y" : "ies"}`);
  if (c.buttons?.length) parts.push(`${c.buttons.length} button${c.buttons.length === 1 ? "" : "s"}`);
  if (c.attachments?.length) parts.push(`${c.attachments.length} attachment${c.attachments.length === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

function editable(c) {
  return !c.from_config && (c.scope === "personal" || manager);
}

function render() {
  const q = el.q.value.trim().toLowerCase().replace(/^\//, "");
  const shown = list.filter((c) => !q || `${c.shortcut} ${c.title} ${c.text}`.toLowerCase().includes(q));
  if (!shown.length) {
    el.body.replaceChildren(h("tr", {}, h("td", { colspan: "6", class: "muted", text: list.length ? "Nothing matches." : "No canned responses yet." })));
    return;
  }
  el.body.replaceChildren(
    ...shown.map((c) =>
      h(
        "tr",
        { "data-id": c.id },
        h("td", {}, h("code", { text: `/${c.shortcut}` })),
        h("td", { text: c.title }),
        h("td", { class: "canned-text", text: c.text }),
        h("td", {}, listLabel(c), c.from_config ? h("span", { class: "canned-file", text: "file", title: "Declared in the configuration file" }) : null),
        h("td", { class: "muted", text: extras(c) }),
        h(
          "td",
          { class: "canned-actions" },
          editable(c) ? h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => edit(c) }) : null,
          editable(c) ? h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(c) }) : null
        )
      )
    )
  );
}

async function load() {
  const data = await get("/api/canned");
  list = data.canned || [];
  render();
}

function showScopeFields() {
  const svc = el.scope.value === "service";
  el.service.hidden = el.serviceLabel.hidden = !svc;
}

function edit(c) {
  editing = c;
  el.formTitle.textContent = c ? `Edit /${c.shortcut}` : "New response";
  el.scope.value = c ? c.scope : "personal";
  el.scope.disabled = !!c && !manager;
  el.service.value = c?.service_id || services[0]?.id || "";
  el.title.value = c?.title || "";
  el.shortcut.value = c ? `/${c.shortcut}` : "";
  el.text.value = c?.text || "";
  el.quick.value = (c?.quick_replies || []).join(", ");
  el.buttons.value = (c?.buttons || []).map((b) => `${b.title} | ${b.url || b.payload}`).join("\n");
  el.attachments.value = (c?.attachments || []).map((a) => `${a.url}${a.name ? ` | ${a.name}` : ""}`).join("\n");
  el.error.hidden = true;
  showScopeFields();
  el.form.hidden = false;
  el.title.focus();
}

async function remove(c) {
  if (!confirm(`Delete /${c.shortcut}?`)) return;
  try {
    await del(`/api/canned/${encodeURIComponent(c.id)}`);
    toast(`Deleted /${c.shortcut}`);
    await load();
  } catch (err) {
    toast(err.message);
  }
}

const lines = (s) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** The attachment type of a URL, by its file name. */
function attachmentType(url) {
  const ext = (url.split(/[?#]/)[0].split(".").pop() || "").toLowerCase();
  if (["png", "jpg", "jpeg", "gif", "webp"].includes(ext)) return "image";
  if (["mp4", "mov", "webm"].includes(ext)) return "video";
  if (["mp3", "ogg", "wav", "m4a"].includes(ext)) return "audio";
  return "file";
}

function formBody() {
  const body = {
    scope: el.scope.value,
    title: el.title.value,
    shortcut: el.shortcut.value,
    text: el.text.value,
    quick_replies: el.quick.value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    buttons: lines(el.buttons.value).map((l) => {
      const [title, target = ""] = l.split("|").map((s) => s.trim());
      return /^https?:\/\//i.test(target) ? { title, url: target } : { title, payload: target };
    }),
    attachments: lines(el.attachments.value).map((l) => {
      const [url, name = ""] = l.split("|").map((s) => s.trim());
      return { type: attachmentType(url), url, name };
    }),
  };
  if (body.scope === "service") body.service_id = el.service.value;
  return body;
}

el.form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  el.error.hidden = true;
  try {
    const saved = editing
      ? await put(`/api/canned/${encodeURIComponent(editing.id)}`, formBody())
      : await post("/api/canned", formBody());
    el.form.hidden = true;
    toast(`Saved /${saved.shortcut}`);
    await load();
  } catch (err) {
    el.error.textContent = err.message;
    el.error.hidden = false;
  }
});

$("new-canned").addEventListener("click", () => edit(null));
$("cancel-canned").addEventListener("click", () => (el.form.hidden = true));
el.scope.addEventListener("change", showScopeFields);
el.q.addEventListener("input", render);
$("canned-filter").addEventListener("submit", (ev) => ev.preventDefault());

(async function start() {
  if (manager) {
    el.scope.append(h("option", { value: "global", text: "Global (every agent)" }), h("option", { value: "service", text: "A service's list" }));
  }
  try {
    const dir = await get("/api/routing/directory");
    services = dir.services || [];
    el.service.replaceChildren(...services.map((s) => h("option", { value: s.id, text: s.name })));
  } catch (err) {
    toast(err.message);
  }
  try {
    await load();
  } catch (err) {
    el.body.replaceChildren(h("tr", {}, h("td", { colspan: "6", text: `Could not load: ${err.message}` })));
  }
})();
