// desktop-chatlist.js — the "My chats" list: newest activity first, unread
// marks, a preview of the last line, and Alt+↑ / Alt+↓ to move between chats.
import { h } from "./dom.js";
import { el, state, activity, customerName, mine, unreadCount, waitingSince } from "./desktop-state.js";
import { avatar, parseTime, shortWhen } from "./desktop-util.js";
import { openChat } from "./desktop-conversation.js";

// The line under the customer's name: the last message, unless that is
// the bot's or a system note while the customer's own words are known —
// then what the customer wrote, which is what the agent needs.
export function previewMessage(chat) {
  const m = chat.last_message;
  const c = chat.last_customer_message;
  if (m && (m.sender === "bot" || m.sender === "system" || m.kind === "event") && c) return c;
  return m || c || null;
}

function preview(chat) {
  const m = previewMessage(chat);
  if (!m) return "No messages yet";
  const text = m.kind === "event" ? m.text : (m.text || "").replace(/\s+/g, " ");
  if (m.sender === "agent") return mine(m) ? `You: ${text}` : `${(m.agent_name || "Agent").split(" ")[0]}: ${text}`;
  if (m.sender === "bot") return `Bot: ${text}`;
  return text;
}

export function renderChatList() {
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

  const open = chats.filter((c) => c.state !== "closed" && !c.left).length;
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
  li.classList.toggle("closed", chat.state === "closed" || !!chat.left);
  const btn = li.firstChild;
  if (current) btn.setAttribute("aria-current", "true");
  else btn.removeAttribute("aria-current");
  const when = chat.last_message ? parseTime(chat.last_message.created_at) : parseTime(chat.assigned_at);
  const count = unreadCount(chat.id);
  const since = waitingSince(chat);
  const waited = since ? waitText(Date.now() - since.getTime()) : "";
  const label = [name, count ? `${count} unread` : "", waited ? `waiting ${waited}` : "", chat.state === "closed" ? "closed" : "", preview(chat)]
    .filter(Boolean)
    .join(", ");
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
        waited
          ? h("span", { class: `chat-item-wait${Date.now() - since.getTime() > 120000 ? " long" : ""}`, title: "The customer waits for an answer since their last message", text: waited })
          : h("time", { class: "chat-item-time", datetime: when ? when.toISOString() : null, text: shortWhen(when) })
      ),
      h(
        "span",
        { class: "chat-item-bottom" },
        h("span", { class: `chat-item-preview${previewMessage(chat) && previewMessage(chat).kind === "event" ? " is-event" : ""}`, text: preview(chat) }),
        chat.left ? h("span", { class: "pill pill-muted", text: "Transferred" }) : chat.state === "closed" ? h("span", { class: "pill pill-muted", text: "Closed" }) : null,
        count ? h("span", { class: "unread-count", "aria-hidden": "true", text: count > 99 ? "99+" : String(count) }) : h("span", { class: "unread-dot", "aria-hidden": "true" })
      )
    )
  );
}

/** Opens the chat above (-1) or below (+1) the open one; false at the ends. */
export function moveChat(step) {
  const items = [...el.chatList.querySelectorAll(".chat-item")];
  const i = items.findIndex((li) => li.dataset.chatId === state.current);
  const next = items[i + step];
  if (!next) return false;
  openChat(next.dataset.chatId);
  return true;
}

// Keyboard: Alt+↑ / Alt+↓ move between chats.
document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
  if (moveChat(ev.key === "ArrowUp" ? -1 : 1)) ev.preventDefault();
});

// "45s", "3m", "1h 5m": how long the customer has waited.
function waitText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Opens the next chat (below the open one, wrapping) with unread messages. */
export function nextUnread() {
  const items = [...el.chatList.querySelectorAll(".chat-item")].map((li) => li.dataset.chatId);
  const i = items.indexOf(state.current);
  for (let k = 1; k <= items.length; k++) {
    const id = items[(i + k + items.length) % items.length];
    if (state.unread.has(id)) {
      openChat(id);
      return true;
    }
  }
  return false;
}

// Keep waits ("45s") and relative times ("10:42", "Mon") fresh.
setInterval(renderChatList, 5000);
