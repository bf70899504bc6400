// desktop-live.js — keeps the page in step with the server: the live
// stream's chat and message events, and a full resync at start and after
// every reconnect.
//
// Everything the server sends is applied idempotently: chats are keyed by
// id, messages by id (a status change replaces the message in place and
// never moves it backwards), so a replayed event or a resync after a
// reconnect never shows anything twice.
import { get } from "./api.js";
import { bus, state, seen, saveSeen, CURRENT_KEY, connected, dropChat, isMyChat, isWatching, mostRecentOpen, upsertChat, upsertMessage } from "./desktop-state.js";
import { handleError } from "./desktop-util.js";
import { stream } from "./desktop-stream.js";
import { renderChatList } from "./desktop-chatlist.js";
import { renderTranscript } from "./desktop-transcript.js";
import { renderCustomer } from "./desktop-customer.js";
import { channel, renderComposer } from "./desktop-composer.js";
import { closeLocally, loadMessages, openChat, renderAll, renderConversationHead, seeChat } from "./desktop-conversation.js";
import { renderMe } from "./desktop-presence.js";
import { loadOffers } from "./desktop-offers.js";
import { agentName, loadDirectory, noteTransfer, transferredTo } from "./desktop-transfer.js";

let resyncing = null;
let resyncAgain = false;

// Re-reads the chat list (and the open transcript) from the server. Runs
// at start and after every reconnect; idempotent.
export async function resync() {
  if (resyncing) {
    resyncAgain = true;
    return resyncing;
  }
  resyncing = (async () => {
    do {
      resyncAgain = false;
      try {
        const [me, res] = await Promise.all([get("/api/me"), get("/api/chats?mine=true")]);
        state.me = me;
        renderMe();
        const list = (res && res.chats) || [];
        // The list comes a page at a time: follow next_cursor to its end.
        for (let next = res && res.next_cursor, page = 0; next && page < 20; page++) {
          const more = await get(`/api/chats?mine=true&cursor=${encodeURIComponent(next)}`);
          list.push(...((more && more.chats) || []));
          next = more && more.next_cursor;
        }
        const ids = new Set(list.map((c) => c.id));
        // Forget what was seen of chats that are gone, so storage stays small.
        let pruned = false;
        for (const id of Object.keys(seen)) {
          if (!ids.has(id) && id !== state.current) {
            delete seen[id];
            pruned = true;
          }
        }
        if (pruned) saveSeen();
        for (const c of list) upsertChat(c);
        for (const [id, c] of state.chats) {
          if (ids.has(id)) continue;
          // Gone from my list: keep the open one, shown as no longer mine.
          if (id === state.current) {
            if (!c.left && c.state !== "closed") c.left = "This chat is no longer with you.";
          } else dropChat(id);
        }
        if (acceptedId && state.chats.has(acceptedId)) {
          const id = acceptedId;
          acceptedId = null;
          openChat(id);
          continue;
        }
        if (!state.current || !state.chats.has(state.current)) {
          const remembered = sessionStorage.getItem(CURRENT_KEY);
          const pick = remembered && state.chats.has(remembered) ? remembered : mostRecentOpen();
          state.current = null;
          if (pick) {
            openChat(pick);
            continue;
          }
        } else if (!state.chats.get(state.current).left) {
          loadMessages(state.current);
        }
        renderAll();
      } catch (err) {
        handleError(err, "Could not load your chats");
      }
    } while (resyncAgain);
    bus.emit("resynced");
  })();
  try {
    await resyncing;
  } finally {
    resyncing = null;
  }
}

let resyncTimer = 0;
function resyncSoon() {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(resync, 300);
}

bus.on("reconnected", () => {
  resync();
  loadOffers();
});

// Why a chat is no longer the agent's, in words for the transcript.
function leftReason(old, chat) {
  const me = state.me || {};
  if (old && (old.participants || []).includes(me.id) && old.agent_id !== me.id) return "You left this conversation; it goes on with your colleague.";
  const target = transferredTo(chat.id);
  if (target) return `You transferred this chat to ${target}.`;
  if (chat.state === "queued" || chat.state === "bot") return "This chat went back to the queue.";
  const to = chat.agent_id && agentName(chat.agent_id);
  return to ? `You transferred this chat to ${to}.` : "This chat is now with a colleague.";
}

// A chat the agent accepted from an offer opens as soon as it is theirs.
let acceptedId = null;
bus.on("offer-accepted", ({ id }) => {
  if (state.chats.has(id) && connected(state.chats.get(id))) openChat(id);
  else acceptedId = id;
});

function onChat(chat, isNew) {
  if (!chat || !chat.id) return;
  const old = state.chats.get(chat.id);
  if (!isMyChat(chat)) {
    if (!old) return; // someone else's chat (a supervisor's stream has them all)
    if (chat.state === "closed") {
      upsertChat(chat);
      renderAll();
      return;
    }
    // Not (or no longer) with me: transferred, back in the queue, left, or
    // someone else's chat that a supervisor's stream shows.
    if (!old.left && old.state !== "closed") markLeft(chat.id, chat, leftReason(old, chat));
    return;
  }
  const merged = upsertChat(chat);
  if (isNew || !old) bus.emit("chat-accepted", { id: chat.id, chat: merged });
  else bus.emit("chat-updated", { id: chat.id, chat: merged });
  if (acceptedId === chat.id && connected(merged)) {
    acceptedId = null;
    openChat(chat.id);
    return;
  }
  const current = state.chats.get(state.current);
  if (isNew && chat.state !== "closed" && (!current || !connected(current))) {
    openChat(chat.id);
    return;
  }
  if (chat.id === state.current) {
    // Newly mine (a transfer to me, perhaps while a guest): read what was
    // written meanwhile, such as the transfer note.
    if (isNew) loadMessages(chat.id);
    renderConversationHead();
    renderCustomer();
    renderComposer();
  }
  renderChatList();
}

stream.on("chat.assigned", (chat) => onChat(chat, true));
stream.on("chat.updated", (chat) => onChat(chat, false));
// A transfer made by this agent (from any tab): remember to whom.
stream.on("chat.transferred", (d) => {
  if (d && d.chat_id && state.me && d.from === state.me.id && d.to) noteTransfer(d.chat_id, d.to);
});
stream.on("chat.closed", async (data) => {
  const id = data && (data.chat_id || data.id);
  const chat = state.chats.get(id);
  if (!chat) return;
  if (data.reason !== "transferred" && data.reason !== "left") {
    closeLocally(id);
    return;
  }
  // The chat goes on without this agent (transferred, or a guest left);
  // a supervisor's stream also carries other agents' such events, so ask.
  // (An agent's stream carries only their own events: no need to ask.)
  let now = null;
  if (state.me && state.me.role !== "agent") {
    try {
      now = await get(`/api/chats/${encodeURIComponent(id)}`);
    } catch {
      now = null; // not ours any more
    }
    if (now && isMyChat(now)) return;
  }
  const reason = data.reason === "left" ? "You left this conversation; it goes on with your colleague." : leftReason(chat, now || chat);
  markLeft(id, now || {}, reason);
});

function markLeft(id, view, reason) {
  const chat = state.chats.get(id);
  if (!chat || chat.left) return;
  if (id === state.current) {
    upsertChat({ ...view, id, state: view.state || chat.state, left: reason });
    state.unread.delete(id);
  } else dropChat(id);
  renderAll();
  bus.emit("chat-left", { id, chat: state.chats.get(id) || chat });
}
stream.on("message", (m) => {
  if (!m || !m.chat_id) return;
  if (!state.chats.has(m.chat_id)) {
    // A chat we have not heard of yet. (Supervisors' streams carry every
    // chat of the tenant; theirs arrive with chat.assigned.)
    if (state.me && state.me.role === "agent") resyncSoon();
    return;
  }
  if (state.chats.get(m.chat_id).left) return; // not ours any more
  if (!upsertMessage(m)) return;
  channel.message(m, isWatching(m.chat_id));
  if (m.direction === "in" && m.kind !== "event") {
    if (isWatching(m.chat_id)) seeChat(m.chat_id);
    else if ((m.seq || 0) > (seen[m.chat_id] || 0)) state.unread.add(m.chat_id);
  }
  if (m.chat_id === state.current) {
    renderTranscript();
    renderCustomer();
    if (isWatching(m.chat_id)) seeChat(m.chat_id);
  }
  renderChatList();
  bus.emit("message", { message: m, chat: state.chats.get(m.chat_id) });
});

// Back from a sleep or a hidden tab: the stream may have died quietly, or
// the page was frozen; reconnect if needed and read everything again (all
// of it is idempotent, so nothing shows twice).
let hiddenAt = 0;
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") {
    hiddenAt = Date.now();
    return;
  }
  if (state.current) seeChat(state.current);
  if (!stream.live) stream.reconnectNow();
  else if (hiddenAt) {
    resync();
    loadOffers();
  }
  hiddenAt = 0;
});

/** Starts the live stream and the first full load. */
export async function startLive() {
  stream.start();
  await Promise.all([resync(), loadDirectory(), loadOffers()]);
}
