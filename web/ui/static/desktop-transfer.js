// desktop-transfer.js — Transfer (to an agent or back to a service's queue,
// with a note) and Invite (a conference) for the open chat.
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { bus, connected, el, state } from "./desktop-state.js";
import { handleError, toast } from "./desktop-util.js";
import { setReasons } from "./desktop-presence.js";

let directory = { agents: [], services: [], reasons: [] };
const transfers = new Map(); // chat id → whom this agent transferred it to

/** Whom this agent transferred the chat to ("" if not known). */
export function transferredTo(chatId) {
  return transfers.get(chatId) || "";
}

/** Records that this agent transferred the chat to whom. */
export function noteTransfer(chatId, to) {
  transfers.set(chatId, to);
}

const transferBtn = h("button", { id: "transfer-chat", type: "button", class: "btn btn-secondary", text: "Transfer", disabled: true });
const inviteBtn = h("button", { id: "invite-agent", type: "button", class: "btn btn-secondary", text: "Invite", disabled: true });
const group = h("div", { class: "conv-actions" });
el.closeChat.before(group);
group.append(transferBtn, inviteBtn, el.closeChat);

const dialog = h("dialog", { id: "routing-dialog", class: "routing-dialog", "aria-labelledby": "routing-dialog-title" });
document.body.append(dialog);

function mine(chat) {
  const me = state.me;
  return connected(chat) && me && chat.agent_id === me.id;
}

/** Enables Transfer and Invite for the open chat. */
export function renderRouting() {
  const chat = state.chats.get(state.current);
  transferBtn.disabled = !mine(chat);
  inviteBtn.disabled = !connected(chat);
  transferBtn.hidden = inviteBtn.hidden = !chat;
}
bus.on("me", renderRouting);

/** The display name of a user of the tenant ("" when unknown). */
export function agentName(id) {
  const a = directory.agents.find((x) => x.id === id);
  return a ? a.name : "";
}

function option(value, label) {
  return h("option", { value, text: label });
}

/** Opens the Transfer ("transfer") or Invite ("invite") dialog. */
export async function openRoutingDialog(kind) {
  await loadDirectory();
  const chatId = state.current;
  if (!chatId) return;
  const agents = directory.agents.map((a) => option(a.id, `${a.name} (${a.state === "ready" ? (a.present ? "ready" : "away") : a.state.replace("_", " ")})`));
  const form = h("form", { method: "dialog", class: "routing-form" });
  const title = h("h2", { id: "routing-dialog-title", text: kind === "transfer" ? "Transfer the chat" : "Invite a colleague" });
  const fields = [];
  let target;
  if (kind === "transfer") {
    target = h(
      "select",
      { id: "transfer-target", name: "target", required: true },
      h("optgroup", { label: "Agents" }, ...directory.agents.map((a) => option(`agent:${a.id}`, a.name))),
      h("optgroup", { label: "Services (back to the queue, place kept)" }, ...directory.services.map((s) => option(`service:${s.id}`, s.name)))
    );
    const note = h("textarea", { id: "transfer-note", name: "note", rows: "3", maxlength: "1000", placeholder: "A note for the next agent (optional)" });
    fields.push(h("label", { for: "transfer-target", text: "To" }), target, h("label", { for: "transfer-note", text: "Note" }), note);
  } else {
    target = h("select", { id: "invite-target", name: "agent", required: true }, ...agents);
    fields.push(h("label", { for: "invite-target", text: "Agent" }), target);
  }
  const error = h("p", { class: "routing-error", role: "alert", hidden: true });
  const cancel = h("button", { type: "button", class: "btn btn-ghost", text: "Cancel" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "routing-submit", text: kind === "transfer" ? "Transfer" : "Invite" });
  cancel.addEventListener("click", () => dialog.close());
  form.append(title, ...fields, error, h("div", { class: "routing-actions" }, cancel, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      if (kind === "transfer") {
        const [type, id] = target.value.split(":");
        const note = form.querySelector("#transfer-note").value;
        await post(`/api/chats/${encodeURIComponent(chatId)}/transfer`, type === "agent" ? { agent_id: id, note } : { service_id: id, note });
        transfers.set(chatId, target.selectedOptions[0] ? target.selectedOptions[0].textContent : "");
        toast("Chat transferred.", "info");
      } else {
        await post(`/api/chats/${encodeURIComponent(chatId)}/invite`, { agent_id: target.value });
        toast("Colleague invited.", "info");
      }
      dialog.close();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  dialog.replaceChildren(form);
  dialog.showModal();
}

transferBtn.addEventListener("click", () => openRoutingDialog("transfer"));
inviteBtn.addEventListener("click", () => openRoutingDialog("invite"));

/** Re-reads agents, services and Not Ready reasons. */
export async function loadDirectory() {
  try {
    directory = await get("/api/routing/directory");
  } catch (err) {
    handleError(err, "Could not load agents and services");
  }
  setReasons(directory.reasons);
  renderRouting();
}
