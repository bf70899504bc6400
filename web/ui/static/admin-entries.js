// admin-entries.js — Admin → Entries: which account runs which scenario
// for which service and hours.
import { get, put, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
let catalog = null;

function options(select, items, blank) {
  select.replaceChildren(...(blank ? [h("option", { value: "", text: blank })] : []),
    ...items.map((it) => (typeof it === "string" ? h("option", { value: it, text: it }) : h("option", { value: it.id, text: `${it.name} (${it.type})` }))));
}

function row(e) {
  return h("tr", { "data-entry": e.name },
    h("td", {}, h("strong", { text: e.name })),
    h("td", { text: e.account_name ? `${e.account_name} (${e.account_type})` : "—" }),
    h("td", { text: e.scenario }),
    h("td", { text: e.service || "—" }),
    h("td", { text: e.schedule || "the service's" }),
    h("td", {}, h("div", { class: "row-buttons" },
      h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => edit(e) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(e) }))));
}

async function load() {
  catalog = await get("/api/admin/entries");
  $("entries-body").replaceChildren(...catalog.entries.map(row));
  if (!catalog.entries.length) $("entries-body").append(h("tr", {}, h("td", { colspan: "6", class: "muted", text: "No entries yet." })));
  options($("e-account"), catalog.accounts);
  options($("e-scenario"), catalog.scenarios);
  options($("e-service"), catalog.services, "none (the scenario names one)");
  options($("e-schedule"), catalog.schedules, "the service's hours");
}

function edit(e) {
  $("entry-form-title").textContent = `Edit ${e.name}`;
  $("e-name").value = e.name;
  $("e-name").readOnly = true;
  $("e-account").value = e.account_id;
  $("e-scenario").value = e.scenario;
  $("e-service").value = e.service;
  $("e-schedule").value = e.schedule;
  $("cancel-entry").hidden = false;
  $("entry-error").hidden = true;
  $("entry-form").scrollIntoView({ behavior: "smooth", block: "start" });
}

function reset() {
  $("entry-form").reset();
  $("e-name").readOnly = false;
  $("entry-form-title").textContent = "New entry";
  $("cancel-entry").hidden = true;
  $("entry-error").hidden = true;
}

async function remove(e) {
  if (!confirm(`Delete the entry ${e.name}? New chats of ${e.account_name} then start no scenario.`)) return;
  try {
    await del(`/api/admin/entries/${encodeURIComponent(e.id)}`);
    await load();
  } catch (err) {
    $("toast").textContent = err.message;
    $("toast").hidden = false;
  }
}

$("entry-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("entry-error").hidden = true;
  try {
    await put("/api/admin/entries", {
      name: $("e-name").value.trim(),
      account_id: $("e-account").value,
      scenario: $("e-scenario").value,
      service: $("e-service").value,
      schedule: $("e-schedule").value,
    });
    reset();
    await load();
  } catch (err) {
    $("entry-error").textContent = err.message;
    $("entry-error").hidden = false;
  }
});
$("cancel-entry").addEventListener("click", reset);
load().catch((err) => ($("entries-body").textContent = err.message));
