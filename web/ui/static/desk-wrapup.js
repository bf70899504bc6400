// desk-wrapup.js — wrap-up on every chat: a disposition from the chat's
// service's list and free-text notes, in the customer panel. Closing a
// chat saves them first; a service that requires a disposition stops the
// close until one is chosen (the server refuses it too). After the close,
// After Chat Work shows its countdown with its limit and a Done button.
import { get, put } from "./api.js";
import { h } from "./dom.js";
import { bus, slots, state } from "./desktop-state.js";
import { onBeforeClose } from "./desktop-conversation.js";

let view = null; // {chatId, data: WrapUpView, dirty}
let lastLimit = 0; // the ACW limit (s) of the chat closed last
let acwTimer = 0;

const section = h("section", { id: "wrapup", class: "desk-section wrapup", "aria-labelledby": "wrapup-title", hidden: true });
const select = h("select", { id: "wrapup-disposition" });
const notes = h("textarea", { id: "wrapup-notes", rows: "3", maxlength: "4000", placeholder: "What happened, what was promised…" });
const status = h("span", { class: "wrapup-status muted", role: "status" });
const error = h("p", { id: "wrapup-error", class: "form-error", role: "alert", hidden: true });
const save = h("button", { class: "btn btn-secondary", type: "button", text: "Save" });
const dispLabel = h("label", { for: "wrapup-disposition", text: "Disposition" });
section.append(
  h("h3", { id: "wrapup-title", class: "desk-title", text: "Wrap-up" }),
  dispLabel,
  select,
  h("label", { for: "wrapup-notes", text: "Notes" }),
  notes,
  error,
  h("div", { class: "wrapup-actions" }, save, status)
);
slots.customerExtra.append(section);

function showError(msg) {
  error.textContent = msg || "";
  error.hidden = !msg;
}

function render() {
  const chat = state.chats.get(state.current);
  section.hidden = !view || !chat || view.chatId !== chat.id;
  if (section.hidden) return;
  const d = view.data;
  const has = d.dispositions.length > 0;
  select.hidden = dispLabel.hidden = !has;
  dispLabel.textContent = d.disposition_required ? "Disposition (required)" : "Disposition";
  select.replaceChildren(
    h("option", { value: "", text: d.disposition_required ? "— choose one —" : "— none —" }),
    ...d.dispositions.map((x) => h("option", { value: x, text: x }))
  );
  select.value = d.wrapup.disposition || "";
  notes.value = d.wrapup.notes || "";
  const by = d.agent_name ? ` by ${d.agent_name}` : "";
  status.textContent = d.wrapup.updated_at && !d.wrapup.updated_at.startsWith("0001") ? `Saved${by}` : "";
}

async function load(chatId) {
  showError("");
  if (!chatId) {
    view = null;
    return render();
  }
  try {
    const data = await get(`/api/chats/${encodeURIComponent(chatId)}/wrapup`);
    if (state.current !== chatId) return;
    view = { chatId, data, dirty: false };
  } catch {
    view = null; // a chat only offered, or not ours: no wrap-up
  }
  render();
}

async function saveNow() {
  if (!view) return true;
  const chatId = view.chatId;
  try {
    view.data = await put(`/api/chats/${encodeURIComponent(chatId)}/wrapup`, { disposition: select.value, notes: notes.value });
    view.dirty = false;
    lastLimit = view.data.acw_limit_seconds || 0;
    showError("");
    if (state.current === chatId) render();
    return true;
  } catch (err) {
    showError(err.message);
    return false;
  }
}

select.addEventListener("change", () => {
  if (view) view.dirty = true;
  showError("");
});
notes.addEventListener("input", () => {
  if (view) view.dirty = true;
  status.textContent = "Not saved yet";
});
save.addEventListener("click", saveNow);

onBeforeClose(async (chat) => {
  if (!view || view.chatId !== chat.id) return true;
  // The service's settings may have changed since the chat was opened.
  try {
    const [disp, text, dirty] = [select.value, notes.value, view.dirty];
    view.data = await get(`/api/chats/${encodeURIComponent(chat.id)}/wrapup`);
    render();
    if (dirty) [select.value, notes.value, view.dirty] = [disp, text, true];
  } catch {
    /* the server checks again on close */
  }
  const owner = state.me && chat.agent_id === state.me.id;
  if (owner && view.data.disposition_required && !select.value) {
    showError(`Choose a disposition before closing: ${chat.service || "this service"} requires one.`);
    select.focus();
    return false;
  }
  if (view.dirty && !(await saveNow())) return false;
  lastLimit = view.data.acw_limit_seconds || 0;
  return true;
});

// ---------------------------------------------------------------- After Chat Work

const acwBar = h("div", { id: "acw-bar", class: "acw-bar", role: "status", hidden: true });
const acwText = h("span", { class: "acw-text" });
const acwDone = h("button", { class: "btn btn-primary", type: "button", text: "Done" });
acwBar.append(h("strong", { text: "After chat work" }), acwText, acwDone);
slots.composerPanel.append(acwBar);

function fmt(sec) {
  sec = Math.max(0, Math.round(sec));
  return `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, "0")}`;
}

function tickACW() {
  clearTimeout(acwTimer);
  const me = state.me;
  const until = me && me.state === "acw" && me.acw_until ? new Date(me.acw_until).getTime() : 0;
  acwBar.hidden = !until;
  if (!until) return;
  const left = (until - Date.now()) / 1000;
  if (!lastLimit || left > lastLimit) lastLimit = Math.ceil(left);
  acwText.textContent = `${fmt(left)} left of ${fmt(lastLimit)} — then you are Ready again.`;
  if (left > 0) acwTimer = setTimeout(tickACW, 500);
}

acwDone.addEventListener("click", async () => {
  acwDone.disabled = true;
  try {
    const me = await put("/api/me/status", { state: "ready" });
    state.me = { ...(state.me || {}), ...me };
    bus.emit("me", { me: state.me });
  } catch (err) {
    acwText.textContent = err.message;
  } finally {
    acwDone.disabled = false;
  }
});

bus.on("me", async ({ me }) => {
  if (me && me.state === "acw" && !me.acw_until) {
    try {
      const r = await get("/api/me/routing");
      if (state.me && state.me.state === "acw") state.me.acw_until = r.acw_until;
    } catch {
      /* the bar just waits for the next update */
    }
  }
  tickACW();
});
bus.on("chat-selected", ({ id }) => load(id));
bus.on("chat-accepted", ({ id }) => id === state.current && load(id));
bus.on("chat-closed", ({ id }) => {
  if (view && view.chatId === id) render();
});
