// monitor.js — a supervisor watching one live chat: silent (read-only,
// labelled so), whispering to the agent, or barged in and writing to the
// customer. The transcript follows the event stream.
import { get, post, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { TranscriptList } from "./transcript-ui.js";
import { toast, setConn } from "./page-ui.js";

const $ = (id) => document.getElementById(id);
const chatId = decodeURIComponent(location.pathname.split("/").pop());
const api = `/api/chats/${encodeURIComponent(chatId)}`;
const list = new TranscriptList($("mon-transcript"));
let joined = false;

function setMode(mode) {
  const b = $("monitor-mode");
  b.dataset.mode = mode;
  b.textContent =
    mode === "barged"
      ? "You joined the conversation: the customer sees what you write."
      : mode === "ended"
        ? "The agent's part of this chat has ended."
        : "Silent monitor: read-only. Neither the customer nor the agent sees you.";
  joined = mode === "barged";
  $("barge-form").hidden = !joined;
  $("barge").parentElement.hidden = joined || mode === "ended";
  $("whisper-form").hidden = mode === "ended";
}

function showChat(c) {
  $("mon-customer").textContent = (c.customer && c.customer.name) || "Customer";
  const bits = [c.service || "no service", c.state];
  if (c.participants && c.participants.length) bits.push(`${c.participants.length} more in the conversation`);
  $("mon-meta").textContent = bits.filter(Boolean).join(" · ");
  document.body.dataset.chatState = c.state;
  if (c.state !== "assigned") setMode("ended");
}

async function open() {
  try {
    const v = await post(`${api}/monitor`);
    list.reset(v.messages);
    showChat(v.chat);
    if (v.chat.state === "assigned") setMode(v.joined ? "barged" : "silent");
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (isUnauthorized(err)) location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    else toast(err.message);
  }
}

async function refreshChat() {
  try {
    const c = await get(api);
    showChat(c);
    if (c.state === "assigned" && $("monitor-mode").dataset.mode === "ended") setMode(joined ? "barged" : "silent");
  } catch (err) {
    toast(err.message);
  }
}

$("whisper-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $("whisper-text");
  if (!input.value.trim()) return;
  try {
    list.add(await post(`${api}/whisper`, { text: input.value }));
    input.value = "";
  } catch (err) {
    toast(`Could not whisper: ${err.message}`);
  }
});

$("barge").addEventListener("click", async () => {
  try {
    await post(`${api}/barge`);
    setMode("barged");
    $("barge-text").focus();
  } catch (err) {
    toast(`Could not join: ${err.message}`);
  }
});

$("barge-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $("barge-text");
  if (!input.value.trim()) return;
  try {
    list.add(await post(`${api}/messages`, { text: input.value }));
    input.value = "";
  } catch (err) {
    toast(`Could not send: ${err.message}`);
  }
});

$("barge-leave").addEventListener("click", async () => {
  try {
    await post(`${api}/close`);
    setMode("silent");
  } catch (err) {
    toast(`Could not leave: ${err.message}`);
  }
});

const stream = new EventStream("/api/events", { onStatus: setConn, onReconnect: open });
stream.on("message", (m) => {
  if (m.chat_id === chatId) list.add(m);
});
for (const type of ["chat.assigned", "chat.updated", "chat.closed", "chat.transferred", "chat.conference"]) {
  stream.on(type, (d) => {
    if (d && (d.chat_id === chatId || d.id === chatId)) refreshChat();
  });
}

open();
stream.start();
