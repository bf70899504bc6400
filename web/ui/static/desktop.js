// desktop.js — the Agent Desktop: chat list, transcript, composer and the
// customer panel, kept live by Server-Sent Events.
//
// Everything the server sends is applied idempotently: chats are keyed by
// id, messages by id (a status change replaces the message in place and
// never moves it backwards), so a replayed event or a resync after a
// reconnect never shows anything twice.
import { get, post, put, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { renderBody, decorateFoot, channelUI } from "./messages-ui.js";
import { routingUI } from "./routing-ui.js";
import { h } from "./dom.js";

let cardsPending = false; // the composer's card builder holds cards to send

// ---------------------------------------------------------------- elements

const $ = (id) => document.getElementById(id);
const el = {
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

// ---------------------------------------------------------------- state

let routing = null; // routing-ui.js, set once the stream exists

const state = {
  me: null,
  chats: new Map(), // id → Chat
  messages: new Map(), // chat id → Map(message id → Message)
  unread: new Set(), // chat ids with unseen customer messages
  current: null, // open chat id
  loading: null, // chat id whose transcript is loading
  sending: false,
};

const STATUS_RANK = { received: 0, pending: 1, sending: 2, sent: 3, delivered: 4, read: 5, failed: 6 };
const STATE_LABEL = { ready: "Ready", not_ready: "Not ready", offline: "Offline", acw: "After chat work" };
const CHAT_STATE_LABEL = { bot: "With bot", queued: "Queued", assigned: "Open", closed: "Closed" };

// The last seen seq per chat survives a reload, so unread dots stay right.
const SEEN_KEY = "parley.desktop.seen";
const CURRENT_KEY = "parley.desktop.current";
const seen = loadJSON(localStorage, SEEN_KEY, {});

function loadJSON(store, key, fallback) {
  try {
    const v = JSON.parse(store.getItem(key));
    return v && typeof v === "object" ? v : fallback;
  } catch {
    return fallback;
  }
}

function markSeen(chatId) {
  const chat = state.chats.get(chatId);
  const seq = Math.max(chat && chat.last_message ? chat.last_message.seq || 0 : 0, maxSeq(chatId));
  if (!(chatId in seen) || seen[chatId] < seq) {
    seen[chatId] = seq;
    saveSeen();
  }
  if (state.unread.delete(chatId)) renderChatList();
}

function saveSeen() {
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

// ---------------------------------------------------------------- helpers


function parseTime(v) {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) || d.getFullYear() < 1971 ? null : d;
}

const fmtTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fmtWeekday = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const fmtDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const fmtFullDate = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const fmtDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function startOfDay(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function shortWhen(d) {
  if (!d) return "";
  const days = Math.round((startOfDay(new Date()) - startOfDay(d)) / 86400000);
  if (days <= 0) return fmtTime.format(d);
  if (days < 7) return fmtWeekday.format(d);
  return fmtDate.format(d);
}

function dayLabel(d) {
  const days = Math.round((startOfDay(new Date()) - startOfDay(d)) / 86400000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return fmtFullDate.format(d);
}

function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const first = parts[0] ? Array.from(parts[0])[0] : "?";
  const last = parts.length > 1 ? Array.from(parts[parts.length - 1])[0] : "";
  return (first + last).toUpperCase();
}

// A stable, pleasant colour per name.
function hue(name) {
  let x = 0;
  for (const ch of String(name || "")) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return [210, 250, 280, 330, 15, 35, 160, 190][x % 8];
}

function avatar(name, pic, cls = "") {
  const node = h("span", { class: `avatar ${cls}`.trim(), "aria-hidden": "true" });
  fillAvatar(node, name, pic);
  return node;
}

function fillAvatar(node, name, pic) {
  node.replaceChildren();
  node.style.setProperty("--avatar-hue", hue(name));
  node.textContent = initials(name);
  if (pic) {
    const img = h("img", { src: pic, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.remove());
    node.append(img);
  }
}

function customerName(chat) {
  return (chat && chat.customer && chat.customer.name) || "Customer";
}

// Plain text with http(s) links made clickable; never HTML.
function richText(text) {
  const frag = document.createDocumentFragment();
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
  let last = 0;
  for (const m of String(text || "").matchAll(re)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    frag.append(h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer", text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < String(text || "").length) frag.append(text.slice(last));
  return frag;
}

let toastTimer = 0;
function toast(message, kind = "error") {
  el.toast.textContent = message;
  el.toast.dataset.kind = kind;
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.toast.hidden = true), 5000);
}

function handleError(err, what) {
  if (isUnauthorized(err)) {
    location.assign("/login?next=" + encodeURIComponent(location.pathname));
    return;
  }
  console.error(`parley: ${what}`, err);
  toast(`${what}: ${err.message}`);
}

// ---------------------------------------------------------------- icons

const ICON = {
  pending:
    '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M8 4.8V8l2.2 1.4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>',
  sent: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  delivered:
    '<svg viewBox="0 0 20 16" width="18" height="14" aria-hidden="true"><path d="M1.5 8.5l3 3 7-7M8.5 11.5l7-7" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/><path d="M7.3 10.3l1.2 1.2" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/></svg>',
  failed:
    '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 1.8 15 14H1L8 1.8Z" fill="currentColor"/><path d="M8 6.2v3.6" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="11.7" r=".9" fill="#fff"/></svg>',
  bot: '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><rect x="2.5" y="5" width="11" height="8" rx="2.5" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 2.5V5" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/><circle cx="6" cy="9" r="1" fill="currentColor"/><circle cx="10" cy="9" r="1" fill="currentColor"/></svg>',
  inbox:
    '<svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true"><path d="M4 13.5 6.3 6.6A2 2 0 0 1 8.2 5.2h7.6a2 2 0 0 1 1.9 1.4L20 13.5V17a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-3.5Z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/><path d="M4 13.5h4.5a3.5 3.5 0 0 0 7 0H20" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>',
  person:
    '<svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true"><circle cx="12" cy="8.5" r="3.8" fill="currentColor"/><path d="M4.5 20a7.5 7.5 0 0 1 15 0" fill="currentColor"/></svg>',
  tap: '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><rect x="1.5" y="4" width="13" height="8" rx="4" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>',
};

const STATUS_TEXT = {
  pending: "Waiting to be sent",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not delivered",
};

function statusIcon(m) {
  const s = m.status || "pending";
  const icon = s === "sending" ? ICON.pending : s === "read" ? ICON.delivered : ICON[s] || ICON.pending;
  let label = STATUS_TEXT[s] || s;
  if (s === "failed" && m.error) label += `: ${m.error}`;
  return h("span", { class: "msg-status", "data-status": s, title: label, role: "img", "aria-label": label, html: icon });
}

// ---------------------------------------------------------------- header

function renderMe() {
  const me = state.me;
  if (!me) return;
  el.agentName.textContent = me.display_name || me.username;
  el.agentRole.textContent = me.role || "";
  fillAvatar(el.agentAvatar, me.display_name || me.username, "");
  const s = me.state || "offline";
  el.stateToggle.dataset.state = s;
  el.stateToggle.querySelector(".state-text").textContent = STATE_LABEL[s] || s;
  el.stateToggle.setAttribute("aria-pressed", String(s === "ready"));
  el.stateToggle.title = s === "ready" ? "You receive new chats. Click to stop." : "Click to become Ready and receive chats.";
  if (!state.current) renderTranscript();
  el.chatHint.innerHTML =
    s === "ready"
      ? "You're <strong>Ready</strong>. New conversations will appear here."
      : "Set yourself <strong>Ready</strong> to receive conversations.";
}

el.stateToggle.addEventListener("click", async () => {
  const next = state.me && state.me.state === "ready" ? "not_ready" : "ready";
  el.stateToggle.disabled = true;
  try {
    state.me = await put("/api/me/state", { state: next });
    renderMe();
  } catch (err) {
    handleError(err, "Could not change your state");
  } finally {
    el.stateToggle.disabled = false;
  }
});

el.logout.addEventListener("click", async () => {
  el.logout.disabled = true;
  try {
    await post("/api/logout");
  } catch (err) {
    if (!isUnauthorized(err)) {
      el.logout.disabled = false;
      handleError(err, "Could not log out");
      return;
    }
  }
  stream.close();
  sessionStorage.removeItem(CURRENT_KEY);
  location.assign("/login");
});

function setConn(status) {
  el.conn.dataset.state = status;
  el.conn.querySelector(".conn-text").textContent =
    status === "live" ? "Live" : status === "reconnecting" ? "Reconnecting…" : "Connecting…";
  el.conn.title = status === "live" ? "Receiving updates in real time" : "Trying to reach the server";
}

// ---------------------------------------------------------------- chat list

function activity(chat) {
  const m = chat.last_message;
  return (
    (m && parseTime(m.created_at)) ||
    parseTime(chat.assigned_at) ||
    parseTime(chat.created_at) ||
    new Date(0)
  ).getTime();
}

function preview(chat) {
  const m = chat.last_message;
  if (!m) return "No messages yet";
  const text = m.kind === "event" ? m.text : (m.text || "").replace(/\s+/g, " ");
  if (m.sender === "agent") return `You: ${text}`;
  if (m.sender === "bot") return `Bot: ${text}`;
  return text;
}

function renderChatList() {
  const chats = [...state.chats.values()].sort((a, b) => activity(b) - activity(a));
  const keep = new Set();
  let prev = null;
  for (const chat of chats) {
    keep.add(chat.id);
    let li = el.chatList.querySelector(`.chat-item[data-chat-id="${CSS.escape(chat.id)}"]`);
    if (!li) {
      li = h("li", { class: "chat-item", "data-chat-id": chat.id });
      const btn = h("button", { type: "button", class: "chat-item-btn" });
      btn.addEventListener("click", () => openChat(chat.id));
      li.append(btn);
    }
    fillChatItem(li, chat);
    const want = prev ? prev.nextSibling : el.chatList.firstChild;
    if (want !== li) el.chatList.insertBefore(li, want);
    prev = li;
  }
  for (const li of [...el.chatList.children]) if (!keep.has(li.dataset.chatId)) li.remove();

  const open = chats.filter((c) => c.state !== "closed").length;
  el.chatCount.textContent = String(open);
  el.chatEmpty.hidden = chats.length > 0;
  const unread = state.unread.size;
  document.title = `${unread ? `(${unread}) ` : ""}Agent Desktop · Parley`;
}

function fillChatItem(li, chat) {
  const name = customerName(chat);
  const unread = state.unread.has(chat.id);
  const current = chat.id === state.current;
  li.classList.toggle("active", current);
  li.classList.toggle("unread", unread);
  li.classList.toggle("closed", chat.state === "closed");
  const btn = li.firstChild;
  if (current) btn.setAttribute("aria-current", "true");
  else btn.removeAttribute("aria-current");
  const when = chat.last_message ? parseTime(chat.last_message.created_at) : parseTime(chat.assigned_at);
  const label = [name, unread ? "unread" : "", chat.state === "closed" ? "closed" : "", preview(chat)].filter(Boolean).join(", ");
  btn.setAttribute("aria-label", label);
  btn.replaceChildren(
    avatar(name, chat.customer && chat.customer.profile_pic),
    h(
      "span",
      { class: "chat-item-body" },
      h(
        "span",
        { class: "chat-item-top" },
        h("span", { class: "chat-item-name", text: name }),
        h("time", { class: "chat-item-time", datetime: when ? when.toISOString() : null, text: shortWhen(when) })
      ),
      h(
        "span",
        { class: "chat-item-bottom" },
        h("span", { class: `chat-item-preview${chat.last_message && chat.last_message.kind === "event" ? " is-event" : ""}`, text: preview(chat) }),
        chat.state === "closed" ? h("span", { class: "pill pill-muted", text: "Closed" }) : null,
        h("span", { class: "unread-dot", "aria-hidden": "true" })
      )
    )
  );
}

function upsertChat(chat) {
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
  if ((never || newer) && merged.state !== "closed" && !isWatching(chat.id)) {
    state.unread.add(chat.id);
  }
  return merged;
}

// The agent is looking at this chat right now.
function isWatching(chatId) {
  return chatId === state.current && document.visibilityState === "visible";
}

// ---------------------------------------------------------------- transcript

function upsertMessage(m) {
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
  return true;
}

function nearBottom() {
  const t = el.transcript;
  return t.scrollHeight - t.scrollTop - t.clientHeight < 80;
}

function scrollToBottom() {
  el.transcript.scrollTop = el.transcript.scrollHeight;
}

function senderLabel(m, chat) {
  switch (m.sender) {
    case "customer":
      return customerName(chat);
    case "agent":
      return m.agent_name || "Agent";
    case "bot":
      return "Bot";
    default:
      return "System";
  }
}

function renderTranscript({ stick = false } = {}) {
  const t = el.transcript;
  const chat = state.chats.get(state.current);
  if (!chat) {
    const ready = state.me && state.me.state === "ready";
    t.replaceChildren(
      h(
        "div",
        { class: "transcript-empty" },
        h("span", { class: "empty-art", html: ICON.inbox }),
        h("p", {
          class: "empty-heading",
          text: state.chats.size ? "No conversation open" : ready ? "Waiting for customers" : "You're not receiving chats",
        }),
        h("p", {
          text: state.chats.size
            ? "Pick a conversation from the list to see it here."
            : ready
              ? "New conversations are assigned to you automatically and open here."
              : "Switch to Ready in the top bar to start receiving conversations.",
        })
      )
    );
    return;
  }
  const wasAtBottom = stick || nearBottom();
  const msgs = [...(state.messages.get(chat.id) || new Map()).values()].sort((a, b) => (a.seq || 0) - (b.seq || 0));

  if (!msgs.length) {
    t.replaceChildren(h("div", { class: "transcript-empty" }, h("p", { text: state.loading === chat.id ? "Loading conversation…" : "No messages yet." })));
    return;
  }

  const existing = new Map();
  for (const node of t.querySelectorAll(".msg[data-msg-id]")) existing.set(node.dataset.msgId, node);

  const nodes = [];
  let lastDay = "";
  let prev = null;
  for (const m of msgs) {
    if (m.kind === "action") continue; // a typing indicator sent to the customer, not a message
    const when = parseTime(m.created_at);
    const day = when ? new Date(startOfDay(when)).toISOString() : lastDay;
    if (day && day !== lastDay) {
      nodes.push(h("div", { class: "day-sep", role: "separator" }, h("span", { text: when ? dayLabel(when) : "" })));
      lastDay = day;
      prev = null;
    }
    const cont =
      prev &&
      m.kind !== "event" &&
      prev.kind !== "event" &&
      prev.sender === m.sender &&
      (prev.agent_name || "") === (m.agent_name || "") &&
      when &&
      parseTime(prev.created_at) &&
      when - parseTime(prev.created_at) < 5 * 60 * 1000;
    let node = existing.get(m.id);
    existing.delete(m.id);
    const key = `${m.status}|${m.error || ""}|${m.text}|${cont ? 1 : 0}`;
    if (!node || node.dataset.key !== key) {
      const fresh = messageNode(m, chat, !!cont);
      if (node) node.replaceWith(fresh);
      node = fresh;
      node.dataset.key = key;
    }
    nodes.push(node);
    prev = m;
  }
  if (chat.state === "closed") {
    nodes.push(h("div", { class: "transcript-note", role: "note", text: "This chat is closed. The customer can start a new one by writing again." }));
  }
  // Whatever is left is not in the model any more (another chat's nodes).
  t.replaceChildren(...nodes);
  if (wasAtBottom) scrollToBottom();
}

function messageNode(m, chat, cont) {
  const when = parseTime(m.created_at);
  const time = h("time", {
    class: "msg-time",
    datetime: when ? when.toISOString() : null,
    title: when ? fmtDateTime.format(when) : null,
    text: when ? fmtTime.format(when) : "",
  });

  if (m.kind === "event" || m.sender === "system") {
    return h(
      "div",
      { class: "msg event", "data-msg-id": m.id, "data-seq": m.seq, "data-sender": m.sender },
      h("span", { class: "event-text" }, richText(m.text || ""), " · ", time)
    );
  }

  const out = m.direction === "out";
  const sender = senderLabel(m, chat);
  const classes = ["msg", out ? "out" : "in", `from-${m.sender || "customer"}`];
  if (cont) classes.push("cont");
  if (m.status === "failed") classes.push("failed");

  const bubble = h("div", { class: "msg-bubble" });
  if (m.kind === "postback") {
    bubble.classList.add("postback");
    bubble.append(h("span", { class: "postback-icon", title: "Tapped a button", html: ICON.tap }));
  }
  if (!renderBody(m, bubble, richText)) bubble.append(richText(m.text || ""));

  const meta = h(
    "div",
    { class: "msg-meta" },
    m.sender === "bot" ? h("span", { class: "bot-icon", html: ICON.bot }) : null,
    h("span", { class: "msg-sender", text: sender }),
    time
  );
  const foot = out ? h("div", { class: "msg-foot" }, statusIcon(m), m.status === "failed" ? h("span", { class: "msg-error", text: m.error || "Not delivered" }) : null) : null;
  decorateFoot(m, foot);

  const body = h("div", { class: "msg-body" }, meta, bubble, foot);
  const av = out
    ? h("span", { class: "msg-avatar-slot" })
    : h("span", { class: "msg-avatar-slot" }, cont ? null : avatar(sender, chat.customer && chat.customer.profile_pic, "avatar-sm"));
  return h("div", { class: classes.join(" "), "data-msg-id": m.id, "data-seq": m.seq }, out ? null : av, body);
}

// ---------------------------------------------------------------- open chat

async function openChat(id) {
  if (!state.chats.has(id)) return;
  const switching = state.current !== id;
  state.current = id;
  sessionStorage.setItem(CURRENT_KEY, id);
  if (switching) {
    el.transcript.replaceChildren();
    el.composer.value = "";
    autoGrow();
    showComposerError("");
  }
  renderAll({ stick: true });
  markSeen(id);
  channel.open(id);
  await loadMessages(id, { stick: true });
  if (switching && !el.composer.disabled && window.matchMedia("(pointer: fine)").matches) el.composer.focus();
}

async function loadMessages(id, { stick = false } = {}) {
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
    if (isWatching(id)) markSeen(id);
  }
}

function renderAll(opts) {
  renderChatList();
  renderConversationHead();
  renderCustomer();
  renderComposer();
  renderTranscript(opts);
}

function renderConversationHead() {
  const chat = state.chats.get(state.current);
  if (!chat) {
    el.convTitle.textContent = state.chats.size ? "No conversation selected" : "Inbox";
    el.convSub.replaceChildren();
    el.closeChat.disabled = true;
    el.closeChat.hidden = !state.chats.size;
    return;
  }
  el.closeChat.hidden = false;
  el.convTitle.textContent = customerName(chat);
  const since = parseTime(chat.assigned_at) || parseTime(chat.created_at);
  el.convSub.replaceChildren(
    h("span", { class: `pill pill-${chat.state}`, text: CHAT_STATE_LABEL[chat.state] || chat.state }),
    h("span", { class: "conv-sub-text", text: ["Messenger", chat.service, since ? `since ${fmtTime.format(since)}` : ""].filter(Boolean).join(" · ") })
  );
  el.closeChat.disabled = chat.state === "closed";
  if (routing) routing.render();
}

function renderCustomer() {
  const chat = state.chats.get(state.current);
  el.customerPic.parentElement.parentElement.classList.toggle("is-empty", !chat);
  if (!chat) {
    el.customerPic.replaceChildren();
    el.customerPic.innerHTML = ICON.person;
    el.customerPic.style.removeProperty("--avatar-hue");
    el.customerName.textContent = "No customer";
    el.customerChannel.textContent = "Open a chat to see who you're talking to.";
    el.customerDetails.replaceChildren();
    return;
  }
  const name = customerName(chat);
  fillAvatar(el.customerPic, name, chat.customer && chat.customer.profile_pic);
  el.customerName.textContent = name;
  el.customerChannel.replaceChildren(h("span", { class: "channel-dot", "aria-hidden": "true" }), "Facebook Messenger");
  const count = state.messages.get(chat.id)?.size || 0;
  const rows = [
    ["Service", chat.service || "—"],
    ["Status", CHAT_STATE_LABEL[chat.state] || chat.state],
    ["Started", parseTime(chat.created_at) ? fmtDateTime.format(parseTime(chat.created_at)) : "—"],
    ["Assigned", parseTime(chat.assigned_at) ? fmtDateTime.format(parseTime(chat.assigned_at)) : "—"],
    ["Messages", String(count)],
    ["Chat ID", chat.id, "mono"],
    ...channel.customerRows(),
  ];
  el.customerDetails.replaceChildren(
    ...rows.flatMap(([k, v, cls]) => [h("dt", { text: k }), h("dd", { class: cls, text: v, title: cls ? v : null })])
  );
}

function renderComposer() {
  const chat = state.chats.get(state.current);
  const usable = !!chat && chat.state !== "closed";
  el.composer.disabled = !usable;
  el.composer.placeholder = !chat
    ? "Select a chat to reply"
    : chat.state === "closed"
      ? "This chat is closed"
      : `Reply to ${customerName(chat)}…`;
  el.send.disabled = !usable || state.sending || (!el.composer.value.trim() && !cardsPending);
  el.composerForm.classList.toggle("disabled", !usable);
}

function showComposerError(msg) {
  el.composerError.textContent = msg;
  el.composerError.hidden = !msg;
}

// ---------------------------------------------------------------- composer

function autoGrow() {
  const c = el.composer;
  c.style.height = "auto";
  c.style.height = `${Math.min(c.scrollHeight, 200)}px`;
}

el.composer.addEventListener("input", () => {
  channel.typing(state.current);
  autoGrow();
  renderComposer();
  if (el.composerError.textContent) showComposerError("");
});

el.composer.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
    ev.preventDefault();
    el.composerForm.requestSubmit();
  }
});

el.composerForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = state.current;
  const chat = state.chats.get(id);
  const text = el.composer.value.trim();
  if (!chat || chat.state === "closed" || (!text && !cardsPending) || state.sending) return;
  state.sending = true;
  el.composer.value = "";
  autoGrow();
  renderComposer();
  try {
    const m = (await channel.send(id, text)) || (await post(`/api/chats/${encodeURIComponent(id)}/messages`, { text }));
    if (m && m.id) {
      if (!m.chat_id) m.chat_id = id;
      upsertMessage(m);
      if (state.current === id) renderTranscript({ stick: true });
      renderChatList();
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

el.closeChat.addEventListener("click", async () => {
  const id = state.current;
  const chat = state.chats.get(id);
  if (!chat || chat.state === "closed") return;
  el.closeChat.disabled = true;
  try {
    await post(`/api/chats/${encodeURIComponent(id)}/close`);
    closeLocally(id);
    toast(`Chat with ${customerName(chat)} closed`, "info");
  } catch (err) {
    el.closeChat.disabled = false;
    handleError(err, "Could not close the chat");
  }
});

function closeLocally(id) {
  const chat = state.chats.get(id);
  if (!chat) return;
  chat.state = "closed";
  state.unread.delete(id);
  renderAll();
}

// ---------------------------------------------------------------- sync

let resyncing = null;
let resyncAgain = false;

// Re-reads the chat list (and the open transcript) from the server. Runs
// at start and after every reconnect; idempotent.
async function resync() {
  if (resyncing) {
    resyncAgain = true;
    return resyncing;
  }
  resyncing = (async () => {
    do {
      resyncAgain = false;
      try {
        const [me, res] = await Promise.all([get("/api/me"), get("/api/chats")]);
        state.me = me;
        renderMe();
        const list = (res && res.chats) || [];
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
          // Gone from my list: keep the open one, shown as closed.
          if (id === state.current) c.state = "closed";
          else {
            state.chats.delete(id);
            state.messages.delete(id);
            state.unread.delete(id);
          }
        }
        if (!state.current || !state.chats.has(state.current)) {
          const remembered = sessionStorage.getItem(CURRENT_KEY);
          const pick = remembered && state.chats.has(remembered) ? remembered : mostRecentOpen();
          state.current = null;
          if (pick) {
            openChat(pick);
            continue;
          }
        } else {
          loadMessages(state.current);
        }
        renderAll();
      } catch (err) {
        handleError(err, "Could not load your chats");
      }
    } while (resyncAgain);
  })();
  try {
    await resyncing;
  } finally {
    resyncing = null;
  }
}

function mostRecentOpen() {
  let best = null;
  for (const c of state.chats.values()) {
    if (c.state === "closed") continue;
    if (!best || activity(c) > activity(best)) best = c;
  }
  return best && best.id;
}

let resyncTimer = 0;
function resyncSoon() {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(resync, 300);
}

// ---------------------------------------------------------------- events

const stream = new EventStream("/api/events", {
  onStatus: setConn,
  onReconnect: resync,
  onGiveUp: async () => {
    try {
      await get("/api/me");
      return true;
    } catch (err) {
      if (isUnauthorized(err)) {
        location.assign("/login?next=" + encodeURIComponent(location.pathname));
        return false;
      }
      return true;
    }
  },
});

function onChat(chat, isNew) {
  if (!chat || !chat.id) return;
  const agent = !state.me || state.me.role === "agent";
  const guest = state.me && (chat.participants || []).includes(state.me.id); // a conference
  const notMine =
    agent &&
    !guest &&
    (chat.state === "bot" || chat.state === "queued" || (chat.agent_id && state.me && state.me.id && chat.agent_id !== state.me.id));
  if (notMine) {
    // No longer with me (e.g. transferred back to the queue or to a colleague).
    if (state.chats.has(chat.id)) {
      if (chat.id === state.current) upsertChat({ ...chat, state: "closed" });
      else {
        state.chats.delete(chat.id);
        state.unread.delete(chat.id);
      }
      renderAll();
    }
    return;
  }
  upsertChat(chat);
  const current = state.chats.get(state.current);
  if (isNew && chat.state !== "closed" && (!current || current.state === "closed")) {
    openChat(chat.id);
    return;
  }
  if (chat.id === state.current) {
    renderConversationHead();
    renderCustomer();
    renderComposer();
  }
  renderChatList();
}

stream.on("chat.assigned", (chat) => onChat(chat, true));
stream.on("chat.updated", (chat) => onChat(chat, false));
stream.on("chat.closed", (data) => {
  const id = data && (data.chat_id || data.id);
  if (state.chats.has(id)) closeLocally(id);
});
stream.on("message", (m) => {
  if (!m || !m.chat_id) return;
  if (!state.chats.has(m.chat_id)) {
    resyncSoon(); // a chat we have not heard of yet
    return;
  }
  if (!upsertMessage(m)) return;
  channel.message(m, isWatching(m.chat_id));
  if (m.direction === "in" && m.kind !== "event") {
    if (isWatching(m.chat_id)) markSeen(m.chat_id);
    else if ((m.seq || 0) > (seen[m.chat_id] || 0)) state.unread.add(m.chat_id);
  }
  if (m.chat_id === state.current) {
    renderTranscript();
    renderCustomer();
    if (isWatching(m.chat_id)) markSeen(m.chat_id);
  }
  renderChatList();
});
stream.on("agent.state", (user) => {
  if (!user) return;
  if (state.me && user.id && state.me.id && user.id !== state.me.id) return;
  state.me = { ...(state.me || {}), ...user };
  renderMe();
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.current) markSeen(state.current);
});

// Keyboard: Alt+↑ / Alt+↓ move between chats.
document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
  const items = [...el.chatList.querySelectorAll(".chat-item")];
  const i = items.findIndex((li) => li.dataset.chatId === state.current);
  const next = items[ev.key === "ArrowUp" ? i - 1 : i + 1];
  if (next) {
    ev.preventDefault();
    openChat(next.dataset.chatId);
  }
});

// Keep relative times ("10:42", "Mon") fresh.
setInterval(renderChatList, 60000);

// Messenger features of the composer and customer panel (messages-ui.js).
// cardsPending: the card builder holds cards, so Send works without text.
const channel = channelUI({
  form: el.composerForm,
  composer: el.composer,
  current: () => state.current,
  onSent(m) {
    if (!m || !m.id) return;
    upsertMessage(m);
    if (m.chat_id === state.current) renderTranscript({ stick: true });
    renderChatList();
  },
  onError: showComposerError,
  onInfo: renderCustomer,
  onCards(has) {
    cardsPending = has;
    renderComposer();
  },
});

// Offers, status reasons, transfer and conference (routing-ui.js).
routing = routingUI({
  stream,
  current: () => state.current,
  chat: (id) => state.chats.get(id),
  me: () => state.me,
  onMe(user) {
    state.me = { ...(state.me || {}), ...user };
    renderMe();
  },
  toast,
  handleError,
});

// ---------------------------------------------------------------- start

(async function start() {
  try {
    state.me = await get("/api/me");
    renderMe();
  } catch (err) {
    handleError(err, "Could not load your profile");
    if (isUnauthorized(err)) return;
  }
  renderAll();
  stream.start();
  await Promise.all([resync(), routing.start()]);
})();
