// desk-typing.js — "Jane is typing…" above the composer while the open
// chat's customer writes (channels that tell: the web chat widget sends a
// customer.typing event every few seconds while the visitor types). It
// goes away after a quiet spell or when their message arrives.
import { h } from "./dom.js";
import { bus, state, customerName } from "./desktop-state.js";
import { stream } from "./desktop-stream.js";

const QUIET_MS = 6000; // the widget repeats every 3 s while typing
const until = new Map(); // chat id → time the indicator stops

const line = h("div", { id: "typing-indicator", class: "typing-indicator", role: "status", "aria-live": "polite", hidden: true });
document.querySelector("#composer-form")?.prepend(line);

let timer = 0;
function render() {
  clearTimeout(timer);
  const id = state.current;
  const end = id ? until.get(id) || 0 : 0;
  const left = end - Date.now();
  const chat = id && state.chats.get(id);
  line.hidden = !(left > 0 && chat);
  line.textContent = line.hidden ? "" : `${customerName(chat)} is typing…`;
  if (left > 0) timer = setTimeout(render, left);
}

stream.on("customer.typing", (e) => {
  if (!e || !e.chat_id || !state.chats.has(e.chat_id)) return;
  until.set(e.chat_id, Date.now() + QUIET_MS);
  render();
});
bus.on("message", ({ message }) => {
  if (message && message.direction === "in" && until.delete(message.chat_id)) render();
});
bus.on("chat-selected", render);
bus.on("chat-closed", ({ id }) => until.delete(id) && render());
