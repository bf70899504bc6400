// admin-services.js — Admin → Services: create a service, edit its
// routing, limits, dispositions, screen pop and ticket form fields.
import { get, post, put } from "./api.js";
import { h } from "./dom.js";
import { levelsText, parseLevels } from "./levels.js";
import { addTicketField, readTicketFields, setTicketFields } from "./ticket-fields-editor.js";

const $ = (id) => document.getElementById(id);
const STRATEGY = { longest_idle: "longest idle", least_busy: "least busy", most_skilled: "most skilled" };
let editing = null;

const num = (id) => Number($(id).value || 0);
const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

function row(s) {
  const r = s.routing;
  const limits = [s.max_chats_per_agent ? `${s.max_chats_per_agent} chats per agent` : "agents' own capacity",
    s.max_queue_length ? `queue ≤ ${s.max_queue_length}` : "no queue limit"];
  return h("tr", { "data-service": s.name },
    h("td", {}, h("strong", { text: s.name })),
    h("td", { class: "service-hours", text: !s.enabled ? "switched off" : s.schedule ? `${s.schedule}` : "always open" }),
    h("td", { text: s.members.join(", ") || "—" }),
    h("td", { text: [STRATEGY[r.strategy] || STRATEGY.longest_idle, r.auto_accept ? "auto-accept" : `offer ${r.offer_timeout_seconds || 30} s`].join(" · ") }),
    h("td", { text: limits.join(" · ") }),
    h("td", { text: (s.desk.dispositions.join(", ") || "—") + (s.desk.disposition_required ? " (required)" : "") }),
    h("td", { class: "service-ticket-fields", text: (s.ticket_fields || []).map((f) => f.label + (f.required ? " *" : "")).join(", ") || "—" }),
    h("td", {}, h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => edit(s) })));
}

async function load() {
  const [res, schedules, accounts] = await Promise.all([get("/api/admin/services"), get("/api/admin/schedules"), get("/api/admin/accounts")]);
  $("services-body").replaceChildren(...res.services.map(row));
  if (!res.services.length) $("services-body").append(h("tr", {}, h("td", { colspan: "8", class: "muted", text: "No services yet." })));
  const keep = $("s-schedule").value;
  $("s-schedule").replaceChildren(h("option", { value: "", text: "always open" }),
    ...schedules.schedules.map((sc) => h("option", { value: sc.name, text: sc.name })));
  $("s-schedule").value = keep;
  $("s-after-hours").placeholder = res.default_after_hours_message;
  // The account agents start chats from (New chat in the desktop).
  const keepAccount = $("s-outbound").value;
  $("s-outbound").replaceChildren(h("option", { value: "", text: "none" }),
    ...accounts.accounts.map((a) => h("option", { value: a.id, text: `${a.name} (${a.type})` })));
  $("s-outbound").value = keepAccount;
}

function fill(s) {
  const r = s.routing;
  $("s-strategy").value = r.strategy || "longest_idle";
  $("s-skills").value = levelsText(r.skills);
  $("s-auto").checked = r.auto_accept;
  $("s-offer").value = r.offer_timeout_seconds || "";
  $("s-acw").value = r.acw_limit_seconds || "";
  $("s-absent").value = r.absent_rule || "keep";
  $("s-handoff").value = r.handoff_after_seconds || "";
  $("s-dropout").value = r.dropout_after_seconds || "";
  $("s-max-chats").value = s.max_chats_per_agent || "";
  $("s-max-queue").value = s.max_queue_length || "";
  $("s-dispositions").value = s.desk.dispositions.join("\n");
  $("s-disp-required").checked = s.desk.disposition_required;
  $("s-pop").value = s.desk.screen_pop_url || "";
  $("s-pop-mode").value = s.desk.screen_pop_mode || "panel";
  $("s-enabled").checked = s.enabled;
  $("s-schedule").value = s.schedule;
  $("s-after-hours").value = s.after_hours_message;
  setTicketFields($("s-ticket-fields"), s.ticket_fields);
  $("s-outbound").value = s.outbound_account_id || "";
}

function edit(s) {
  editing = s;
  fill(s);
  $("service-form-title").textContent = `Edit ${s.name}`;
  $("s-name").value = s.name;
  $("s-name").disabled = true;
  $("save-service").textContent = "Save changes";
  $("cancel-service").hidden = false;
  $("service-error").hidden = true;
  $("service-form").scrollIntoView({ behavior: "smooth", block: "start" });
}

function reset() {
  editing = null;
  $("service-form").reset();
  $("s-name").disabled = false;
  $("s-auto").checked = true; // a new service's default, as in parley.yaml
  $("s-enabled").checked = true;
  setTicketFields($("s-ticket-fields"), []);
  $("service-form-title").textContent = "New service";
  $("save-service").textContent = "Create service";
  $("cancel-service").hidden = true;
  $("service-error").hidden = true;
}

function toast(text) {
  $("toast").textContent = text;
  $("toast").hidden = false;
  setTimeout(() => ($("toast").hidden = true), 4000);
}

$("service-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("service-error").hidden = true;
  try {
    const body = {
      max_chats_per_agent: num("s-max-chats"),
      max_queue_length: num("s-max-queue"),
      enabled: $("s-enabled").checked,
      schedule: $("s-schedule").value,
      after_hours_message: $("s-after-hours").value.trim(),
      routing: {
        strategy: $("s-strategy").value,
        skills: parseLevels($("s-skills").value, "required skills"),
        auto_accept: $("s-auto").checked,
        offer_timeout_seconds: num("s-offer"),
        acw_limit_seconds: num("s-acw"),
        absent_rule: $("s-absent").value,
        handoff_after_seconds: num("s-handoff"),
        dropout_after_seconds: num("s-dropout"),
      },
      desk: {
        dispositions: lines($("s-dispositions").value),
        disposition_required: $("s-disp-required").checked,
        screen_pop_url: $("s-pop").value.trim(),
        screen_pop_mode: $("s-pop-mode").value,
      },
      ticket_fields: readTicketFields($("s-ticket-fields")),
      outbound_account_id: $("s-outbound").value,
    };
    if (editing) {
      await put(`/api/admin/services/${encodeURIComponent(editing.id)}`, { ...body, version: editing.version });
      toast(`${editing.name} saved.`);
    } else {
      await post("/api/admin/services", { ...body, name: $("s-name").value.trim() });
      toast(`${$("s-name").value.trim()} created. Add members on the Users page.`);
    }
    reset();
    await load();
  } catch (err) {
    $("service-error").textContent = err.message;
    $("service-error").hidden = false;
  }
});
$("cancel-service").addEventListener("click", reset);
$("s-add-ticket-field").addEventListener("click", () => addTicketField($("s-ticket-fields")));

reset();
load().catch((err) => ($("services-body").textContent = err.message));
