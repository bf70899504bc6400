// transcript-ui.js — a chat's transcript for supervisors (the monitor and
// transcripts pages): customer, agent, bot and system lines, whispers set
// apart, rich kinds drawn as on the desktop. Live pages add messages as
// their events arrive; a message seen again (a status change) is redrawn
// in place.
import { h } from "./dom.js";
import { renderBody } from "./messages-ui.js";

const plain = (text) => document.createTextNode(text);

function who(m) {
  switch (m.sender) {
    case "customer":
      return "Customer";
    case "agent":
      return m.agent_name || "Agent";
    case "supervisor":
      return `Whisper from ${m.agent_name || "a supervisor"} · not sent to the customer`;
    case "bot":
      return "Bot";
    case "page":
      return "Page";
    default:
      return "";
  }
}

/** Draws one message as a list item. */
export function messageItem(m) {
  const side = m.kind === "whisper" ? "whisper" : m.kind === "event" || m.sender === "system" ? "system" : m.direction === "out" ? "out" : "in";
  const bubble = h("div", { class: "tr-bubble" });
  if (side === "system" || !renderBody(m, bubble, plain)) bubble.append(plain(m.text || ""));
  const time = new Date(m.created_at);
  return h(
    "li",
    { class: `tr-msg tr-${side}`, "data-message-id": m.id, "data-kind": m.kind, "data-sender": m.sender },
    side === "system" ? null : h("div", { class: "tr-who", text: who(m) }),
    bubble,
    h("div", { class: "tr-meta" }, h("time", { datetime: m.created_at, text: time.toLocaleString() }), m.status === "failed" ? h("span", { class: "tr-failed", text: ` · failed: ${m.error || ""}` }) : null)
  );
}

/** Keeps a list of messages in seq order, drawn into list (an <ol>). */
export class TranscriptList {
  constructor(list) {
    this.list = list;
    this.byId = new Map();
  }

  reset(messages) {
    this.byId.clear();
    this.list.replaceChildren();
    for (const m of messages) this.add(m);
  }

  add(m) {
    if (m.kind === "action") return;
    const node = messageItem(m);
    node.dataset.seq = String(m.seq);
    const old = this.byId.get(m.id);
    this.byId.set(m.id, node);
    if (old) {
      old.replaceWith(node);
      return;
    }
    const after = [...this.list.children].find((li) => Number(li.dataset.seq) > m.seq);
    this.list.insertBefore(node, after || null);
    node.scrollIntoView({ block: "nearest" });
  }
}
