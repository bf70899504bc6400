// admin-teams.js — Admin → Teams: list with members, create, rename,
// delete. Users are put in teams in Admin → Users.
import { get, post, put, del } from "./api.js";
import { h } from "./dom.js";
import { toast } from "./page-ui.js";

const $ = (id) => document.getElementById(id);
let editing = null; // the team being renamed, or null for a new one

function membersText(t) {
  if (!t.members.length) return "none";
  return `${t.members.length}: ${t.members.join(", ")}`;
}

function row(t) {
  return h("tr", { class: "team-row", "data-team": t.name },
    h("td", {}, h("strong", { text: t.name })),
    h("td", { text: t.description || "—" }),
    h("td", { class: "team-members", "data-count": String(t.members.length), text: membersText(t) }),
    h("td", {}, h("div", { class: "row-buttons" },
      h("button", { class: "btn btn-ghost", type: "button", text: "Rename", onclick: () => edit(t) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(t) }))));
}

async function load() {
  const { teams } = await get("/api/admin/teams");
  $("teams-body").replaceChildren(...teams.map(row));
  if (!teams.length) $("teams-body").append(h("tr", {}, h("td", { colspan: "4", class: "muted", text: "No teams yet." })));
  $("teams-body").dataset.loaded = "true";
}

function reset() {
  editing = null;
  $("team-form").reset();
  $("team-form-title").textContent = "New team";
  $("save-team").textContent = "Create team";
  $("cancel-team").hidden = true;
  $("team-error").hidden = true;
}

function edit(t) {
  editing = t;
  $("team-form-title").textContent = `Rename ${t.name}`;
  $("save-team").textContent = "Save changes";
  $("t-name").value = t.name;
  $("t-description").value = t.description;
  $("cancel-team").hidden = false;
  $("team-error").hidden = true;
  $("team-form").scrollIntoView({ behavior: "smooth", block: "start" });
  $("t-name").focus();
}

async function remove(t) {
  const who = t.members.length ? ` Its ${t.members.length} member(s) are left without a team.` : "";
  if (!confirm(`Delete the team ${t.name}?${who}`)) return;
  try {
    await del(`/api/admin/teams/${encodeURIComponent(t.id)}`);
    if (editing && editing.id === t.id) reset();
    await load();
  } catch (err) {
    toast(err.message);
  }
}

$("team-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("team-error").hidden = true;
  const body = { name: $("t-name").value.trim(), description: $("t-description").value.trim() };
  try {
    if (editing) {
      await put(`/api/admin/teams/${encodeURIComponent(editing.id)}`, { ...body, version: editing.version });
      toast(`${body.name} saved.`);
    } else {
      await post("/api/admin/teams", body);
      toast(`${body.name} created: put users in it in Admin → Users.`);
    }
    reset();
    await load();
  } catch (err) {
    $("team-error").textContent = err.message;
    $("team-error").hidden = false;
  }
});
$("cancel-team").addEventListener("click", reset);

load().catch((err) => ($("teams-body").textContent = err.message));
