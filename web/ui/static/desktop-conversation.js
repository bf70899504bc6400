// desktop-conversation.js — opening a chat: its head (name, state, service),
// loading its transcript page by page, and closing it.
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { bus, el, state, CHAT_STATE_LABEL, CURRENT_KEY, connected, customerName, isWatching, markSeen, upsertMessage } from "./desktop-state.js";
import { channelLabel, fmtTime, handleError, parseTime, toast } from "./desktop-util.js";
import { renderChatList } from "./desktop-chatlist.js";
import { renderTranscript } from "./desktop-transcript.js";
import { renderCustomer } from "./desktop-customer.js";
import { channel, renderComposer, resetComposer } from "./desktop-composer.js";
import { renderRouting } from "./desktop-transfer.js";

/** Marks the chat read and redraws the list when that changed something. */
export function seeChat(id) {
  if (markSeen(id)) renderChatList();
}

export async function openChat(id) {
  if (!state.chats.has(id)) return;
  const switching = state.current !== id;
  state.current = id;
  sessionStorage.setItem(CURRENT_KEY, id);
  if (switching) {
    el.transcript.replaceChildren();
    resetComposer();
  }
  renderAll({ stick: true });
  seeChat(id);
  const chat = state.chats.get(id);
  if (switching) bus.emit("chat-selected", { id, chat });
  // A chat that left this agent shows what was loaded; asking the server
  // again would only be refused (403).
  if (chat.left) return;
  if (connected(chat)) channel.open(id);
  await loadMessages(id, { stick: true });
  if (switching && !el.composer.disabled && window.matchMedia("(pointer: fine)").matches) el.composer.focus();
}

export async function loadMessages(id, { stick = false } = {}) {
  state.loading = id;
  if (id === state.current && !state.messages.get(id)?.size) renderTranscript();
  try {
    // Page through with ?after= until the server has nothing more.
    let after = 0;
    for (let page = 0; page < 50; page++) {
      const res = await get(`/api/chats/${encodeURIComponent(id)}/messages?after=${after}`);
      const list = (res && res.messages) || [];
      let next = after;
      for (const m of list) {
        upsertMessage(m);
        next = Math.max(next, m.seq || 0);
      }
      if (!list.length || next === after) break;
      after = next;
    }
  } catch (err) {
    handleError(err, "Could not load the conversation");
  } finally {
    if (state.loading === id) state.loading = null;
  }
  if (id === state.current) {
    renderTranscript({ stick });
    renderCustomer();
    renderChatList();
    if (isWatching(id)) seeChat(id);
  }
}

export function renderAll(opts) {
  renderChatList();
  renderConversationHead();
  renderCustomer();
  renderComposer();
  renderTranscript(opts);
}

export function renderConversationHead() {
  const chat = state.chats.get(state.current);
  if (!chat) {
    el.convTitle.textContent = state.chats.size ? "No conversation selected" : "Inbox";
    el.convSub.replaceChildren();
    el.closeChat.disabled = true;
    el.closeChat.hidden = !state.chats.size;
    renderRouting();
    return;
  }
  el.closeChat.hidden = false;
  el.convTitle.textContent = customerName(chat);
  const since = parseTime(chat.assigned_at) || parseTime(chat.created_at);
  const pill = chat.left
    ? h("span", { class: "pill pill-left", text: chat.left.startsWith("You left") ? "Left" : "Transferred" })
    : h("span", { class: `pill pill-${chat.state}`, text: CHAT_STATE_LABEL[chat.state] || chat.state });
  el.convSub.replaceChildren(
    pill,
    h("span", { class: "conv-sub-text", text: [channelLabel(chat), chat.service, since ? `since ${fmtTime.format(since)}` : ""].filter(Boolean).join(" · ") })
  );
  el.closeChat.disabled = !connected(chat) || chat.agent_id !== (state.me && state.me.id);
  renderRouting();
}

// Hooks that run before a chat is closed from this page; one returning
// false (or a promise of false) stops the close (e.g. a wrap-up form).
const beforeClose = [];

/** Adds a hook run before the agent closes a chat: fn(chat) → boolean | Promise<boolean>. */
export function onBeforeClose(fn) {
  beforeClose.push(fn);
}

el.closeChat.addEventListener("click", async () => {
  const id = state.current;
  const chat = state.chats.get(id);
  if (!connected(chat)) return;
  el.closeChat.disabled = true;
  try {
    for (const fn of beforeClose) {
      if ((await fn(chat)) === false) {
        el.closeChat.disabled = false;
        return;
      }
    }
    await post(`/api/chats/${encodeURIComponent(id)}/close`);
    closeLocally(id);
    toast(`Chat with ${customerName(chat)} closed`, "info");
  } catch (err) {
    el.closeChat.disabled = false;
    handleError(err, "Could not close the chat");
  }
});

export function closeLocally(id) {
  const chat = state.chats.get(id);
  if (!chat) return;
  const was = chat.state;
  chat.state = "closed";
  state.unread.delete(id);
  renderAll();
  if (was !== "closed") bus.emit("chat-closed", { id, chat });
}
