// desktop-composer.js — the reply box: Enter sends, Shift+Enter breaks the
// line, the text comes back when sending fails. Messenger's extras (files,
// quick replies, cards, the messaging-window banner, typing and seen) come
// from messages-ui.js as `channel`.
//
// Other modules use insertText() / composerText() and mount buttons into the
// #composer-tools slot.
import { post, isUnauthorized } from "./api.js";
import { channelUI } from "./messages-ui.js";
import { bus, el, state, connected, customerName, upsertMessage } from "./desktop-state.js";
import { handleError } from "./desktop-util.js";
import { renderTranscript } from "./desktop-transcript.js";
import { renderChatList } from "./desktop-chatlist.js";
import { addCustomerRows, renderCustomer } from "./desktop-customer.js";

export function renderComposer() {
  const chat = state.chats.get(state.current);
  const usable = connected(chat);
  el.composer.disabled = !usable;
  el.composer.placeholder = !chat
    ? "Select a chat to reply"
    : chat.left
      ? "This chat is no longer with you"
      : chat.state === "closed"
        ? "This chat is closed"
        : `Reply to ${customerName(chat)}…`;
  el.send.disabled = !usable || state.sending || (!el.composer.value.trim() && !state.cardsPending);
  el.composerForm.classList.toggle("disabled", !usable);
}

export function showComposerError(msg) {
  el.composerError.textContent = msg;
  el.composerError.hidden = !msg;
}

export function autoGrow() {
  const c = el.composer;
  c.style.height = "auto";
  c.style.height = `${Math.min(c.scrollHeight, 200)}px`;
}

/** Empties the composer (the agent switched chats). */
export function resetComposer() {
  el.composer.value = "";
  autoGrow();
  showComposerError("");
}

/** The composer's current text. */
export function composerText() {
  return el.composer.value;
}

/**
 * Puts text into the composer at the cursor (replace: the whole text, or
 * a [start, end] range), then focuses it so the agent can edit before sending.
 */
export function insertText(text, replace) {
  const c = el.composer;
  if (c.disabled) return false;
  let [start, end] = [c.selectionStart ?? c.value.length, c.selectionEnd ?? c.value.length];
  if (replace === true) [start, end] = [0, c.value.length];
  else if (Array.isArray(replace)) [start, end] = replace;
  c.setRangeText(text, start, end, "end");
  c.focus();
  c.dispatchEvent(new Event("input", { bubbles: true }));
  return true;
}

/** A new random key for one send (crypto.randomUUID needs a secure context). */
function sendKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Shows a message the server accepted for the open chat. */
export function showSent(m) {
  if (!m || !m.id) return;
  upsertMessage(m);
  if (m.chat_id === state.current) renderTranscript({ stick: true });
  renderChatList();
  bus.emit("message", { message: m, chat: state.chats.get(m.chat_id) });
}

el.composer.addEventListener("input", () => {
  if (connected(state.chats.get(state.current))) channel.typing(state.current);
  autoGrow();
  renderComposer();
  if (el.composerError.textContent) showComposerError("");
});

el.composer.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey && !ev.defaultPrevented) {
    ev.preventDefault();
    el.composerForm.requestSubmit();
  }
});

el.composerForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = state.current;
  const chat = state.chats.get(id);
  const text = el.composer.value.trim();
  if (!connected(chat) || (!text && !state.cardsPending) || state.sending) return;
  state.sending = true;
  el.composer.value = "";
  autoGrow();
  renderComposer();
  try {
    // The key makes the send idempotent: a browser that retries the POST
    // after a dropped connection finds the first one instead of a twin.
    const m = (await channel.send(id, text)) || (await post(`/api/chats/${encodeURIComponent(id)}/messages`, { text, client_id: sendKey() }));
    if (m && m.id) {
      if (!m.chat_id) m.chat_id = id;
      showSent(m);
    }
  } catch (err) {
    if (isUnauthorized(err)) return handleError(err, "Could not send");
    if (state.current === id && !el.composer.value) {
      el.composer.value = text; // give the text back so nothing is lost
      autoGrow();
    }
    showComposerError(err.message);
  } finally {
    state.sending = false;
    renderComposer();
    if (state.current === id) el.composer.focus();
  }
});

// Messenger features of the composer and customer panel (messages-ui.js).
// cardsPending: the card builder holds cards, so Send works without text.
export const channel = channelUI({
  form: el.composerForm,
  composer: el.composer,
  // Only a chat the agent is in: others (left, closed) are not polled.
  current: () => (connected(state.chats.get(state.current)) ? state.current : null),
  onSent: showSent,
  onError: showComposerError,
  onInfo: renderCustomer,
  onCards(has) {
    state.cardsPending = has;
    renderComposer();
  },
});
addCustomerRows(() => channel.customerRows());
