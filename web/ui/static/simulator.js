// simulator.js — plays a Facebook Messenger customer (demo mode only).
//
// The customer (a PSID and a name) lives in localStorage, so a reload goes
// on with the same conversation. What the customer sent is kept locally too,
// since the simulator's API only returns what the page sent to the customer.
// Everything is de-duplicated by id.
import { get, post } from "./api.js";
import { EventStream } from "./events.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
const el = {
  setup: $("sim-setup"),
  setupForm: $("sim-setup-form"),
  setupError: $("sim-setup-error"),
  first: $("sim-first"),
  last: $("sim-last"),
  start: $("sim-start"),
  chat: $("sim-chat"),
  thread: $("sim-thread"),
  quick: $("sim-quick"),
  form: $("sim-form"),
  input: $("sim-input"),
  send: $("sim-send"),
  error: $("sim-error"),
  who: $("sim-who"),
  reset: $("sim-reset"),
};

const CUSTOMER_KEY = "parley.sim.customer";
const sentKey = (psid) => `parley.sim.sent.${psid}`;
const TYPING_TIMEOUT = 20000; // Messenger hides "typing" after 20 s

let customer = null; // {psid, first_name, last_name}
let sent = []; // what the customer sent: {id, text, quick_reply?, postback?, time, status}
const page = new Map(); // id → message the page sent
const arrived = new Map(); // id → local time it arrived live
let stream = null;
let typingTimer = 0;

// ---------------------------------------------------------------- storage

function load(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return v ?? fallback;
  } catch {
    return fallback;
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode: the conversation just won't survive a reload */
  }
}

// A page-scoped id looks like 16 digits, never starting with 0.
function newPSID() {
  const digits = new Uint8Array(16);
  crypto.getRandomValues(digits);
  let s = String(1 + (digits[0] % 9));
  for (let i = 1; i < 16; i++) s += String(digits[i] % 10);
  return s;
}

// ---------------------------------------------------------------- helpers


// The API's time may be RFC 3339 or a Unix time in ms or s.
function toMillis(t) {
  if (typeof t === "number") return t < 1e12 ? t * 1000 : t;
  if (typeof t === "string" && /^\d+$/.test(t)) return toMillis(Number(t));
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

const fmtTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fmtDay = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "numeric", minute: "2-digit" });

function stamp(ms) {
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? fmtTime.format(d) : fmtDay.format(d);
}

function showError(msg) {
  el.error.textContent = msg;
  el.error.hidden = !msg;
}

// ---------------------------------------------------------------- render

function timeline() {
  const items = [];
  sent.forEach((m, i) => items.push({ who: "me", m, time: m.time, order: i }));
  let i = 0;
  for (const m of page.values()) items.push({ who: "page", m, time: toMillis(m.time), order: i++ });
  // Stable: by time, then the customer's own before the page's at the same ms.
  items.sort((a, b) => a.time - b.time || (a.who === b.who ? a.order - b.order : a.who === "me" ? -1 : 1));
  return items;
}

function render() {
  const items = timeline();

  // Typing: the page's last action is typing_on, with no text after it.
  let typing = null;
  let seenAfter = -1; // index in bubbles of the last "me" message seen by the page
  const bubbles = [];
  for (const it of items) {
    if (it.who === "page" && !it.m.text) {
      if (it.m.sender_action === "typing_on") typing = it;
      else if (it.m.sender_action === "typing_off") typing = null;
      else if (it.m.sender_action === "mark_seen") seenAfter = bubbles.length - 1;
      continue;
    }
    if (it.who === "page") typing = null;
    bubbles.push(it);
  }
  if (typing) {
    const since = Math.max(typing.time, arrived.get(typing.m.id) || 0);
    const left = since + TYPING_TIMEOUT - Date.now();
    clearTimeout(typingTimer);
    if (left > 0) typingTimer = setTimeout(render, left + 50);
    else typing = null;
  }

  const nodes = [];
  if (!bubbles.length) {
    nodes.push(
      h(
        "div",
        { class: "sim-welcome" },
        h("p", { class: "sim-welcome-title", text: "Parley Demo Co." }),
        h("p", { text: "Say hi, or tap Get Started." }),
        chip("Get Started", () => sendPostback("Get Started", "GET_STARTED"))
      )
    );
  }
  let lastTime = 0;
  let lastMe = -1;
  bubbles.forEach((it, i) => {
    if (it.who === "me") lastMe = i;
  });
  bubbles.forEach((it, i) => {
    if (!lastTime || it.time - lastTime > 10 * 60 * 1000) {
      nodes.push(h("div", { class: "sim-stamp", text: stamp(it.time || Date.now()) }));
    }
    lastTime = it.time || lastTime;
    const prev = bubbles[i - 1];
    const next = bubbles[i + 1];
    const first = !prev || prev.who !== it.who || nodes[nodes.length - 1].classList.contains("sim-stamp");
    const last = !next || next.who !== it.who;
    const row = h("div", { class: `bubble-row ${it.who}${first ? " first" : ""}${last ? " last" : ""}` });
    if (it.who === "page") {
      row.append(
        last ? h("span", { class: "m-mini-avatar", "aria-hidden": "true" }, logoMini()) : h("span", { class: "m-mini-avatar spacer" })
      );
    }
    const b = h("div", {
      class: `bubble ${it.who}${it.m.status === "failed" ? " failed" : ""}`,
      "data-id": it.m.id,
      title: it.time ? stamp(it.time) : null,
      text: it.m.text,
    });
    row.append(b);
    nodes.push(row);
    if (it.who === "me" && i === lastMe) {
      let status = "";
      if (it.m.status === "sending") status = "Sending…";
      else if (it.m.status === "failed") status = "Not sent. Tap to retry.";
      else if (seenAfter >= i) status = "Seen";
      else status = "Sent";
      const s = h("div", { class: `sim-status${it.m.status === "failed" ? " failed" : ""}`, text: status });
      if (it.m.status === "failed") {
        s.setAttribute("role", "button");
        s.tabIndex = 0;
        s.addEventListener("click", () => retry(it.m));
        s.addEventListener("keydown", (ev) => (ev.key === "Enter" || ev.key === " ") && retry(it.m));
      }
      nodes.push(s);
    }
  });
  if (typing) {
    nodes.push(
      h(
        "div",
        { class: "bubble-row page first last typing-row" },
        h("span", { class: "m-mini-avatar", "aria-hidden": "true" }, logoMini()),
        h("div", { class: "bubble page typing", "aria-label": "Parley Demo Co. is typing" }, h("span"), h("span"), h("span"))
      )
    );
  }
  el.thread.replaceChildren(...nodes);

  // Quick replies belong to the page's last message, until the customer answers.
  el.quick.replaceChildren();
  const tail = bubbles[bubbles.length - 1];
  if (tail && tail.who === "page" && Array.isArray(tail.m.quick_replies) && tail.m.quick_replies.length) {
    for (const q of tail.m.quick_replies) {
      el.quick.append(chip(q.title, () => sendText(q.title, q.payload)));
    }
  }
  el.quick.hidden = !el.quick.children.length;
  el.thread.scrollTop = el.thread.scrollHeight; // like Messenger: newest in view
}

function chip(title, onClick) {
  const b = h("button", { type: "button", class: "chip", text: title });
  b.addEventListener("click", onClick);
  return b;
}

function logoMini() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 32 32");
  svg.innerHTML =
    '<rect width="32" height="32" rx="16" fill="currentColor"/><path d="M9 10.5h10.5a3.5 3.5 0 0 1 3.5 3.5v3.5a3.5 3.5 0 0 1-3.5 3.5H15l-4.2 3.4a.6.6 0 0 1-1-.47V21A3.5 3.5 0 0 1 6.5 17.5V13A2.5 2.5 0 0 1 9 10.5Z" fill="#fff"/>';
  return svg;
}

// ---------------------------------------------------------------- sending

async function deliver(item) {
  const body = { psid: customer.psid, first_name: customer.first_name, last_name: customer.last_name };
  if (item.postback) body.postback = item.postback;
  else if (item.photo) body.photo = true;
  else if (item.location) body.location = item.location;
  else {
    body.text = item.text;
    if (item.quick_reply) body.quick_reply = item.quick_reply;
  }
  item.status = "sending";
  render();
  try {
    const res = await post("/simulator/api/send", body);
    item.status = "sent";
    if (res && res.mid) item.id = res.mid;
    showError("");
  } catch (err) {
    item.status = "failed";
    showError(err.message);
  }
  save(sentKey(customer.psid), sent);
  render();
}

function queue(item) {
  item.id = `local-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  item.time = Date.now();
  sent.push(item);
  save(sentKey(customer.psid), sent);
  return deliver(item);
}

function sendText(text, quickReply) {
  return queue({ text, quick_reply: quickReply || undefined });
}

function sendPostback(title, payload) {
  return queue({ text: title, postback: { title, payload } });
}

// The phone's extra buttons: the simulator's sample photo and a location.
document.getElementById("sim-photo").addEventListener("click", () => queue({ text: "📷 Photo", photo: true }));
document.getElementById("sim-location").addEventListener("click", () =>
  queue({ text: "📍 Eiffel Tower", location: { lat: 48.8584, long: 2.2945, title: "Eiffel Tower" } })
);

function retry(item) {
  if (item.status !== "failed") return;
  return deliver(item);
}

el.form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = el.input.value.trim();
  if (!text) return;
  el.input.value = "";
  updateSend();
  sendText(text);
  el.input.focus();
});

function updateSend() {
  el.form.classList.toggle("has-text", !!el.input.value.trim());
}
el.input.addEventListener("input", updateSend);

// ---------------------------------------------------------------- receiving

function addPageMessage(m, live) {
  if (!m || m.id === undefined || m.id === null) return;
  const id = String(m.id);
  if (live && !page.has(id)) arrived.set(id, Date.now());
  page.set(id, { ...page.get(id), ...m, id });
}

async function fetchMessages() {
  if (!customer) return;
  const psid = customer.psid;
  try {
    const res = await get(`/simulator/api/messages?psid=${encodeURIComponent(psid)}`);
    if (!customer || customer.psid !== psid) return;
    for (const m of (res && res.messages) || []) addPageMessage(m, false);
    render();
  } catch (err) {
    showError(err.message);
  }
}

function connect() {
  if (stream) stream.close();
  const psid = customer.psid;
  stream = new EventStream(`/simulator/api/stream?psid=${encodeURIComponent(psid)}`, {
    ordered: false,
    onReconnect: fetchMessages,
    onStatus: (s) => el.chat.classList.toggle("offline", s !== "live"),
  });
  stream.on("message", (m) => {
    if (!customer || customer.psid !== psid) return;
    addPageMessage(m, true);
    render();
  });
  stream.start();
}

// ---------------------------------------------------------------- steps

function begin(c) {
  customer = c;
  save(CUSTOMER_KEY, c);
  sent = load(sentKey(c.psid), []);
  if (!Array.isArray(sent)) sent = [];
  // A send cut short by a reload is unknown: offer a retry.
  for (const m of sent) if (m.status === "sending") m.status = "failed";
  page.clear();
  arrived.clear();
  el.setup.hidden = true;
  el.chat.hidden = false;
  el.reset.hidden = false;
  el.who.textContent = `Chatting as ${c.first_name} ${c.last_name}`.trim();
  render();
  connect();
  fetchMessages();
  el.input.focus();
}

el.setupForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const first = el.first.value.trim();
  const last = el.last.value.trim();
  if (!first || !last) {
    el.setupError.textContent = "Enter a first and a last name.";
    el.setupError.hidden = false;
    (first ? el.last : el.first).focus();
    return;
  }
  el.setupError.hidden = true;
  begin({ psid: newPSID(), first_name: first, last_name: last });
});

el.reset.addEventListener("click", () => {
  if (stream) stream.close();
  stream = null;
  if (customer) localStorage.removeItem(sentKey(customer.psid));
  localStorage.removeItem(CUSTOMER_KEY);
  customer = null;
  sent = [];
  page.clear();
  el.thread.replaceChildren();
  el.quick.replaceChildren();
  showError("");
  el.chat.hidden = true;
  el.reset.hidden = true;
  el.setup.hidden = false;
  el.who.textContent = "Typically replies in minutes";
  el.first.value = "";
  el.last.value = "";
  el.first.focus();
});

// Suggest a name so a demo is one click away.
const NAMES = [
  ["Jane", "Doe"],
  ["Sam", "Rivera"],
  ["Priya", "Shah"],
  ["Tom", "Becker"],
  ["Lena", "Novak"],
  ["Kofi", "Mensah"],
];

const saved = load(CUSTOMER_KEY, null);
if (saved && /^\d{16}$/.test(saved.psid || "") && saved.first_name) {
  begin(saved);
} else {
  const [f, l] = NAMES[Math.floor(Math.random() * NAMES.length)];
  el.first.placeholder = f;
  el.last.placeholder = l;
  el.first.focus();
}
