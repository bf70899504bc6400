// admin-users.js — Admin → Users: list, create, edit (role, team,
// services, skills, capacity), deactivate and reactivate, reset a password.
import { get, post, put } from "./api.js";
import { h } from "./dom.js";
import { levelsText, parseLevels } from "./levels.js";

const $ = (id) => document.getElementById(id);
const STATE = { ready: "Ready", not_ready: "Not Ready", offline: "Offline", acw: "After chat work" };
let services = [];
let teams = [];
let editing = null; // the user being edited, or null for a new one

function status(u) {
  if (!u.active) return `Deactivated ${new Date(u.deactivated_at).toLocaleDateString()}`;
  return STATE[u.state] || u.state || "Offline";
}

function row(u) {
  const buttons = [h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => edit(u) })];
  if (u.active) {
    buttons.push(
      h("button", { class: "btn btn-ghost", type: "button", text: "Reset password", onclick: () => askPassword(u) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Deactivate", onclick: () => setActive(u, false) })
    );
  } else {
    buttons.push(h("button", { class: "btn btn-ghost", type: "button", text: "Reactivate", onclick: () => setActive(u, true) }));
  }
  return h("tr", { class: "user-row", "data-user": u.username, "data-active": String(u.active) },
    h("td", {}, h("strong", { text: u.display_name }), h("span", { class: "username", text: u.username })),
    h("td", { text: u.role }),
    h("td", { class: "user-team", text: u.team || "—" }),
    h("td", { text: u.services.join(", ") || "—" }),
    h("td", { text: levelsText(u.skills).replaceAll("\n", ", ") || "—" }),
    h("td", { text: String(u.capacity) }),
    h("td", { class: "user-status", text: status(u) }),
    h("td", {}, h("div", { class: "row-buttons" }, ...buttons)));
}

function renderServices(chosen) {
  const box = $("u-services");
  box.replaceChildren(h("legend", { text: "Services" }),
    ...services.map((name) => h("label", { class: "check" },
      h("input", { type: "checkbox", value: name, checked: chosen.includes(name) || null }), name)));
}

// renderTeams offers the tenant's teams, keeping chosen even if it is gone.
function renderTeams(chosen) {
  const names = chosen && !teams.includes(chosen) ? [...teams, chosen] : teams;
  $("u-team").replaceChildren(h("option", { value: "", text: "No team" }), ...names.map((name) => h("option", { value: name, text: name })));
  $("u-team").value = chosen || "";
}

async function load() {
  const res = await get("/api/admin/users");
  services = res.services;
  teams = res.teams;
  $("u-password").minLength = res.min_password;
  $("new-password").minLength = res.min_password;
  $("users-body").replaceChildren(...res.users.map(row));
  if (!editing) {
    renderServices([]);
    renderTeams("");
  }
  $("users-body").dataset.loaded = "true";
}

function resetForm() {
  editing = null;
  $("user-form").reset();
  $("user-form-title").textContent = "New user";
  $("save-user").textContent = "Create user";
  $("u-username").disabled = false;
  $("u-password").hidden = $("u-password-label").hidden = false;
  $("u-password").required = true;
  $("cancel-edit").hidden = true;
  $("user-error").hidden = true;
  renderServices([]);
  renderTeams("");
}

function edit(u) {
  editing = u;
  $("user-form-title").textContent = `Edit ${u.username}`;
  $("save-user").textContent = "Save changes";
  $("u-username").value = u.username;
  $("u-username").disabled = true;
  $("u-display").value = u.display_name;
  $("u-role").value = u.role;
  $("u-capacity").value = u.capacity;
  $("u-skills").value = levelsText(u.skills);
  $("u-password").hidden = $("u-password-label").hidden = true;
  $("u-password").required = false;
  $("cancel-edit").hidden = false;
  $("user-error").hidden = true;
  renderServices(u.services);
  renderTeams(u.team);
  $("user-form").scrollIntoView({ behavior: "smooth", block: "start" });
  $("u-display").focus();
}

function toast(text) {
  $("toast").textContent = text;
  $("toast").hidden = false;
  setTimeout(() => ($("toast").hidden = true), 4000);
}

async function setActive(u, active) {
  if (!active && !confirm(`Deactivate ${u.display_name}? They are signed out everywhere and their chats go back to the queue.`)) return;
  try {
    await post(`/api/admin/users/${encodeURIComponent(u.id)}/${active ? "reactivate" : "deactivate"}`, {});
    await load();
  } catch (err) {
    toast(err.message);
  }
}

let resetting = null;
function askPassword(u) {
  resetting = u;
  $("password-user").textContent = u.display_name;
  $("new-password").value = "";
  $("password-error").hidden = true;
  $("password-dialog").showModal();
}

$("password-form").addEventListener("submit", async (ev) => {
  if (ev.submitter && ev.submitter.value === "cancel") return;
  ev.preventDefault();
  try {
    await post(`/api/admin/users/${encodeURIComponent(resetting.id)}/password`, { password: $("new-password").value });
    $("password-dialog").close();
    toast(`${resetting.display_name} signs in with the new password.`);
  } catch (err) {
    $("password-error").textContent = err.message;
    $("password-error").hidden = false;
  }
});

$("user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("user-error").hidden = true;
  try {
    const body = {
      username: $("u-username").value.trim(),
      display_name: $("u-display").value,
      role: $("u-role").value,
      capacity: Number($("u-capacity").value),
      team: $("u-team").value,
      services: [...$("u-services").querySelectorAll("input:checked")].map((c) => c.value),
      skills: parseLevels($("u-skills").value, "skills"),
    };
    if (editing) {
      await put(`/api/admin/users/${encodeURIComponent(editing.id)}`, { ...body, version: editing.version });
      toast(`${body.display_name || body.username} saved.`);
    } else {
      await post("/api/admin/users", { ...body, password: $("u-password").value });
      toast(`${body.display_name || body.username} can sign in now.`);
    }
    resetForm();
    await load();
  } catch (err) {
    $("user-error").textContent = err.message;
    $("user-error").hidden = false;
  }
});
$("cancel-edit").addEventListener("click", resetForm);

load().catch((err) => ($("users-body").textContent = err.message));

// Not Ready reasons: the tenant's own, or the built-in ones shown as the
// placeholder.
async function loadReasons() {
  const r = await get("/api/admin/not-ready-reasons");
  $("reasons").value = r.built_in ? "" : r.reasons.join("\n");
  $("reasons").placeholder = r.built_in ? `built-in: ${r.reasons.join(", ")}` : "one a line";
  $("reasons-form").dataset.loaded = "true";
}
$("reasons-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("reasons-error").hidden = true;
  try {
    const reasons = $("reasons").value.split("\n").map((l) => l.trim()).filter(Boolean);
    const r = await put("/api/admin/not-ready-reasons", { reasons });
    toast(r.built_in ? "Agents pick from the built-in reasons." : `Agents pick from: ${r.reasons.join(", ")}.`);
    await loadReasons();
  } catch (err) {
    $("reasons-error").textContent = err.message;
    $("reasons-error").hidden = false;
  }
});
loadReasons().catch((err) => {
  $("reasons-error").textContent = err.message;
  $("reasons-error").hidden = false;
});
