// desktop-attention.js — getting the agent's attention: a short beep
// (WebAudio, no sound files) and a browser notification for a new offer
// and for a customer message in a chat the agent is not looking at.
//
// Sound is on unless the agent turns it off (remembered per browser);
// notifications need the browser's permission, asked from the "?" panel.
import { bus, state, customerName, isMyChat, isWatching } from "./desktop-state.js";
import { stream } from "./desktop-stream.js";
import { openChat } from "./desktop-conversation.js";

const SOUND_KEY = "parley.desktop.sound";

export const prefs = {
  get sound() {
    return localStorage.getItem(SOUND_KEY) !== "off";
  },
  set sound(on) {
    try {
      localStorage.setItem(SOUND_KEY, on ? "on" : "off");
    } catch {
      /* not remembered */
    }
  },
};

let audioCtx = null;

// Browsers start audio only after a user gesture: make the context on the
// first click or key press, so later beeps can play.
function audio() {
  try {
    if (!audioCtx) audioCtx = new AudioContext();
    if (audioCtx.state === "suspended") audioCtx.resume();
  } catch {
    audioCtx = null;
  }
  return audioCtx;
}
document.addEventListener("pointerdown", audio, { once: true });
document.addEventListener("keydown", audio, { once: true });

/** Plays two rising tones for an offer, one for a message. */
export function beep(kind) {
  if (!prefs.sound) return;
  document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
  const c = audio();
  if (!c) return;
  let t = c.currentTime;
  for (const f of kind === "offer" ? [880, 1175] : [660]) {
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = "sine";
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.18);
    osc.connect(gain).connect(c.destination);
    osc.start(t);
    osc.stop(t + 0.2);
    t += 0.2;
  }
}

/** True when the agent is not looking at the page. */
function away() {
  return document.visibilityState !== "visible" || !document.hasFocus();
}

/** Shows a browser notification when allowed and the page is not in view. */
export function notify(title, body, chatId) {
  const N = window.Notification;
  if (!N || N.permission !== "granted" || !away()) return;
  try {
    const n = new N(title, { body, tag: chatId ? `parley-${chatId}` : "parley", icon: "/static/favicon.svg" });
    n.onclick = () => {
      window.focus();
      if (chatId && state.chats.has(chatId)) openChat(chatId);
      n.close();
    };
  } catch {
    /* some browsers only notify from a service worker */
  }
}

/** Asks the browser for permission to notify; returns the answer. */
export async function askPermission() {
  const N = window.Notification;
  if (!N) return "unsupported";
  if (N.permission === "default") return N.requestPermission();
  return N.permission;
}

stream.on("offer.created", (o) => {
  if (!o || !o.chat) return;
  const me = state.me;
  if (me && o.agent_id && me.id && o.agent_id !== me.id) return;
  const said = o.chat.last_customer_message || o.chat.last_message;
  beep("offer");
  notify(`New chat from ${customerName(o.chat)}`, said ? said.text : "A customer is waiting", null);
});

const told = new Set(); // message ids already announced

bus.on("message", ({ message: m, chat }) => {
  if (!m || !chat || m.direction !== "in" || m.kind === "event" || m.kind === "action") return;
  if (chat.left || !isMyChat(chat) || isWatching(chat.id)) return;
  if (told.has(m.id)) return; // a replay after a reconnect
  told.add(m.id);
  beep("message");
  notify(customerName(chat), m.text || "New message", chat.id);
});
