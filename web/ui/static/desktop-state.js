// desktop-state.js — the Agent Desktop's shared model and its event bus.
//
// Every desktop module reads and changes the same `state` and announces
// what happened through `bus`. Modules written by others (canned
// responses, wrap-up, customer panel, screen pop) only need this file:
//
//   import { bus, state, currentChat } from "./desktop-state.js";
//   bus.on("chat-selected", ({ id, chat }) => …);
//
// Events (payloads are plain objects; handlers must not throw, but a
// throwing handler is logged and does not stop the others):
//   "chat-selected"  { id, chat }        the agent opened a chat (also at start)
//   "chat-accepted"  { id, chat }        a chat became the agent's (accepted offer
//                                        or assigned directly)
//   "chat-updated"   { id, chat }        a chat changed (state, participants…)
//   "message"        { message, chat }   a message arrived or changed
//   "chat-closed"    { id, chat }        the chat was closed (by anyone)
//   "chat-left"      { id, chat }        the chat left this agent (transfer, leave)
//   "me"             { me }              the agent's own profile/status changed
//   "connection"     { status }          "live" | "reconnecting" | "connecting" | "offline"
//   "resynced"       {}                  the page re-read its chats from the server

const listeners = new Map();

export const bus = {
  /** Adds a handler; returns a function that removes it. */
  on(type, fn) {
    if (!listeners.has(type)) listeners.set(type, new Set());
    listeners.get(type).add(fn);
    return () => listeners.get(type).delete(fn);
  },
  emit(type, detail = {}) {
    for (const fn of listeners.get(type) || []) {
      try {
        fn(detail);
      } catch (err) {
        console.error(`parley: desktop ${type} handler failed`, err);
      }
    }
  },
};

export const state = {
  me: null,
  chats: new Map(), // id → Chat
  messages: new Map(), // chat id → Map(message id → Message)
  unread: new Set(), // chat ids with unseen customer messages
  current: null, // open chat id
  loading: null, // chat id whose transcript is loading
  sending: false,
  cardsPending: false, // the composer's card builder holds cards to send
};

export const STATUS_RANK = { received: 0, pending: 1, sending: 2, sent: 3, delivered: 4, read: 5, failed: 6 };
export const STATE_LABEL = { ready: "Ready", not_ready: "Not ready", offline: "Offline", acw: "After chat work" };
export const CHAT_STATE_LABEL = { bot: "With bot", queued: "Queued", assigned: "Open", closed: "Closed" };

// ---------------------------------------------------------------- DOM

const $ = (id) => document.getElementById(id);

/** The page's fixed elements (desktop.html). */
export const el = {
  conn: $("conn-status"),
  stateToggle: $("state-toggle"),
  agentName: $("agent-name"),
  agentRole: $("agent-role"),
  agentAvatar: $("agent-avatar"),
  logout: $("logout-button"),
  chatList: $("chat-list"),
  chatCount: $("chat-count"),
  chatEmpty: $("chat-list-empty"),
  chatHint: $("chat-list-hint"),
  convTitle: $("conv-title"),
  convSub: $("conv-sub"),
  closeChat: $("close-chat"),
  transcript: $("transcript"),
  composerForm: $("composer-form"),
  composer: $("composer"),
  composerError: $("composer-error"),
  send: $("send-button"),
  customerPic: $("customer-pic"),
  customerName: $("customer-name"),
  customerChannel: $("customer-channel"),
  customerDetails: $("customer-details"),
  toast: $("toast"),
};

/**
 * Named places other modules mount into (see desktop.html):
 *   composerTools  the composer's toolbar, left of Send (buttons)
 *   composerPanel  above the composer's text area (pickers, previews)
 *   customerPanel  the right-hand aside; customerExtra is its free area
 *                  below the built-in details (history, notes, variables)
 *   sidePanel      a panel the page shows beside the conversation (screen pop)
 */
export const slots = {
  get composerTools() {
    return $("composer-tools");
  },
  get composerPanel() {
    return $("composer-panel");
  },
  get customerPanel() {
    return $("customer-panel");
  },
  get customerExtra() {
    return $("customer-extra");
  },
  get sidePanel() {
    return $("side-panel");
  },
};

// ---------------------------------------------------------------- model

export function currentChat() {
  return state.chats.get(state.current) || null;
}

export function customerName(chat) {
  return (chat && chat.customer && chat.customer.name) || "Customer";
}

function parseTimeMs(v) {
  const d = v ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) && d.getFullYear() >= 1971 ? d.getTime() : 0;
}

/** When the chat last moved (its last message, else its assignment). */
export function activity(chat) {
  const m = chat.last_message;
  return (m && parseTimeMs(m.created_at)) || parseTimeMs(chat.assigned_at) || parseTimeMs(chat.created_at) || 0;
}

export function mostRecentOpen() {
  let best = null;
  for (const c of state.chats.values()) {
    if (c.state === "closed") continue;
    if (!best || activity(c) > activity(best)) best = c;
  }
  return best && best.id;
}

// The agent is looking at this chat right now.
export function isWatching(chatId) {
  return chatId === state.current && document.visibilityState === "visible";
}

// The last seen seq per chat survives a reload, so unread dots stay right.
const SEEN_KEY = "parley.desktop.seen";
export const CURRENT_KEY = "parley.desktop.current";
export const seen = loadJSON(localStorage, SEEN_KEY, {});

function loadJSON(store, key, fallback) {
  try {
    const v = JSON.parse(store.getItem(key));
    return v && typeof v === "object" ? v : fallback;
  } catch {
    return fallback;
  }
}

export function saveSeen() {
  try {
    localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
  } catch {
    /* storage full or blocked: unread dots just reset */
  }
}

function maxSeq(chatId) {
  let max = 0;
  const msgs = state.messages.get(chatId);
  if (msgs) for (const m of msgs.values()) max = Math.max(max, m.seq || 0);
  return max;
}

/** Marks the chat read up to its last message; returns true when it was unread. */
export function markSeen(chatId) {
  const chat = state.chats.get(chatId);
  const seq = Math.max(chat && chat.last_message ? chat.last_message.seq || 0 : 0, maxSeq(chatId));
  if (!(chatId in seen) || seen[chatId] < seq) {
    seen[chatId] = seq;
    saveSeen();
  }
  return state.unread.delete(chatId);
}

export function upsertChat(chat) {
  if (!chat || !chat.id) return null;
  const old = state.chats.get(chat.id);
  const merged = old ? { ...old, ...chat } : { ...chat };
  // Never let an older snapshot roll back the last message.
  if (old && old.last_message && (!chat.last_message || (chat.last_message.seq || 0) < (old.last_message.seq || 0))) {
    merged.last_message = old.last_message;
  }
  state.chats.set(chat.id, merged);
  // Unread: never opened here, or the customer wrote since it was last seen.
  const lm = merged.last_message;
  const never = !(chat.id in seen);
  const newer = lm && lm.direction === "in" && lm.kind !== "event" && (lm.seq || 0) > (seen[chat.id] || 0);
  if (old && old.left && chat.state === "assigned" && isMyChat(merged)) delete merged.left; // back with me
  if ((never || newer) && merged.state !== "closed" && !merged.left && !isWatching(chat.id)) {
    state.unread.add(chat.id);
  }
  return merged;
}

/** Adds or updates a message; false when it is an older snapshot (ignored). */
export function upsertMessage(m) {
  if (!m || !m.id || !m.chat_id) return false;
  let msgs = state.messages.get(m.chat_id);
  if (!msgs) {
    msgs = new Map();
    state.messages.set(m.chat_id, msgs);
  }
  const old = msgs.get(m.id);
  if (old && (STATUS_RANK[m.status] ?? 0) < (STATUS_RANK[old.status] ?? 0)) {
    return false; // an older snapshot: keep the newer status
  }
  msgs.set(m.id, old ? { ...old, ...m } : m);
  const chat = state.chats.get(m.chat_id);
  if (chat && (!chat.last_message || (m.seq || 0) >= (chat.last_message.seq || 0))) {
    chat.last_message = msgs.get(m.id);
  }
  const lc = chat && chat.last_customer_message;
  if (chat && m.sender === "customer" && m.kind !== "event" && (!lc || (m.seq || 0) >= (lc.seq || 0))) {
    chat.last_customer_message = msgs.get(m.id);
  }
  return true;
}

/**
 * True when the agent can act in the chat now: it is open (assigned) and
 * still theirs or they are a guest of its conference (not left, not
 * transferred away, not closed).
 */
export function connected(chat) {
  return !!chat && chat.state === "assigned" && !chat.left;
}

/** The message is the agent's own (not a colleague's in a conference). */
export function mine(m) {
  return m.sender === "agent" && !!state.me && (m.agent_id ? m.agent_id === state.me.id : m.agent_name === state.me.display_name);
}

/** The chat is the agent's: assigned to them or joined as a guest. */
export function isMyChat(chat) {
  const me = state.me;
  if (!me || !chat) return false;
  return chat.agent_id === me.id || (chat.participants || []).includes(me.id);
}

/** How many customer messages of the chat the agent has not seen (0 when read). */
export function unreadCount(chatId) {
  if (!state.unread.has(chatId)) return 0;
  const after = seen[chatId] || 0;
  let n = 0;
  for (const m of (state.messages.get(chatId) || new Map()).values()) {
    if (m.direction === "in" && m.kind !== "event" && (m.seq || 0) > after) n++;
  }
  return Math.max(n, 1);
}

/**
 * Since when the customer waits for an answer: their last message, when
 * no agent wrote after it; null when they are not waiting.
 */
export function waitingSince(chat) {
  const lc = chat && chat.last_customer_message;
  if (!lc || chat.state !== "assigned" || chat.left) return null;
  let answered = chat.last_message && chat.last_message.sender === "agent" ? chat.last_message.seq || 0 : 0;
  for (const m of (state.messages.get(chat.id) || new Map()).values()) {
    if (m.sender === "agent" && (m.seq || 0) > answered) answered = m.seq || 0;
  }
  if ((lc.seq || 0) < answered) return null;
  const d = new Date(lc.created_at);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Forgets a chat entirely (it left this agent and is not open). */
export function dropChat(id) {
  state.chats.delete(id);
  state.messages.delete(id);
  state.unread.delete(id);
}
