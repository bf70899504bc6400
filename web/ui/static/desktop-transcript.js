// desktop-transcript.js — the open chat's messages: grouped by day and
// sender, updated in place (a message node is rebuilt only when its status,
// text, attachments or grouping changed), kept scrolled to the bottom while
// the agent is at the bottom.
import { h } from "./dom.js";
import { renderBody, decorateFoot } from "./messages-ui.js";
import { el, state, customerName } from "./desktop-state.js";
import { ICON, avatar, dayLabel, fmtDateTime, fmtTime, parseTime, richText, startOfDay, statusIcon } from "./desktop-util.js";

function nearBottom() {
  const t = el.transcript;
  return t.scrollHeight - t.scrollTop - t.clientHeight < 80;
}

// stuck: the agent is reading the newest messages, so the transcript
// follows what arrives. It changes only when the agent scrolls, not when
// content grows (an image that loads after it was added must not unstick it).
let stuck = true;
let shownChat = null; // the chat whose messages the transcript shows

// "New messages" appears when something arrives while the agent reads
// further up; a click (or scrolling down) takes them to it.
const hint = h("button", { type: "button", id: "new-messages", class: "new-messages", hidden: true, text: "New messages ↓" });
el.transcript.after(hint);
hint.addEventListener("click", () => {
  scrollToBottom();
  el.transcript.focus({ preventScroll: true });
});

function scrollToBottom() {
  el.transcript.scrollTop = el.transcript.scrollHeight;
  stuck = true;
  hint.hidden = true;
}

el.transcript.addEventListener("scroll", () => {
  stuck = nearBottom();
  if (stuck) hint.hidden = true;
});
// Images and videos take their height when they load.
el.transcript.addEventListener(
  "load",
  () => {
    if (stuck) scrollToBottom();
  },
  true
);
new ResizeObserver(() => {
  if (stuck) scrollToBottom();
}).observe(el.transcript);

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

function emptyState() {
  const ready = state.me && state.me.state === "ready";
  return h(
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
  );
}

export function renderTranscript({ stick = false } = {}) {
  const t = el.transcript;
  const chat = state.chats.get(state.current);
  if (!chat) {
    shownChat = null;
    hint.hidden = true;
    t.replaceChildren(emptyState());
    return;
  }
  if (shownChat !== chat.id) {
    shownChat = chat.id;
    stick = true;
  }
  const wasAtBottom = stick || stuck;
  const msgs = [...(state.messages.get(chat.id) || new Map()).values()].sort((a, b) => (a.seq || 0) - (b.seq || 0));

  if (!msgs.length) {
    t.replaceChildren(h("div", { class: "transcript-empty" }, h("p", { text: state.loading === chat.id ? "Loading conversation…" : "No messages yet." })));
    return;
  }

  const existing = new Map();
  for (const node of t.querySelectorAll(".msg[data-msg-id]")) existing.set(node.dataset.msgId, node);

  const hadNodes = existing.size > 0;
  let arrived = false; // a message not shown before
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
    if (!node && hadNodes && m.kind !== "action") arrived = true;
    existing.delete(m.id);
    // The payload changes when an attachment's copy is made.
    const key = `${m.status}|${m.error || ""}|${m.text}|${m.kind === "attachment" ? m.payload : ""}|${cont ? 1 : 0}`;
    if (!node || node.dataset.key !== key) {
      const fresh = messageNode(m, chat, !!cont);
      if (node) node.replaceWith(fresh);
      node = fresh;
      node.dataset.key = key;
    }
    nodes.push(node);
    prev = m;
  }
  if (chat.left) {
    nodes.push(h("div", { class: "transcript-note", role: "note", "data-note": "left", text: chat.left }));
  } else if (chat.state === "closed") {
    nodes.push(h("div", { class: "transcript-note", role: "note", "data-note": "closed", text: "This chat is closed. The customer can start a new one by writing again." }));
  }
  // Whatever is left is not in the model any more (another chat's nodes).
  t.replaceChildren(...nodes);
  if (wasAtBottom) scrollToBottom();
  else if (arrived) {
    hint.style.bottom = `${el.composerForm.offsetHeight + 32}px`;
    hint.hidden = false;
  }
}

function messageNode(m, chat, cont) {
  const when = parseTime(m.created_at);
  const time = h("time", {
    class: "msg-time",
    datetime: when ? when.toISOString() : null,
    title: when ? fmtDateTime.format(when) : null,
    text: when ? fmtTime.format(when) : "",
  });

  // A supervisor's whisper: for the agents only, never sent to the customer.
  if (m.kind === "whisper") {
    return h(
      "div",
      { class: "msg whisper", role: "note", "data-msg-id": m.id, "data-seq": m.seq, "data-sender": m.sender },
      h("span", { class: "whisper-label", text: `Whisper from ${m.agent_name || "a supervisor"} · not sent to the customer` }),
      h("div", { class: "whisper-text" }, richText(m.text || "")),
      time
    );
  }

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
