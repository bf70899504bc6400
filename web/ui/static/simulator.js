// simulator.js — plays a customer on Messenger, LINE, Telegram, Viber or
// SMS via Vonage (demo mode only), one customer per tab.
//
// Each tab's customer (a platform id and a name) lives in localStorage, so
// a reload goes on with the same conversations. What the customer sent is
// kept locally too, since the simulator's API only returns what Parley sent
// to the customer. Everything is de-duplicated by id.
import { get, post } from "./api.js";
import { EventStream } from "./events.js";
import { h } from "./dom.js";
import { CHANNELS, ORDER, NAMES, CHANNEL_KEY, customerKey, sentKey, describe } from "./simulator-channels.js";
import { stamp, chip, row, typingRow, choices, status } from "./simulator-render.js";
import { load, save, timeline, split, typingLeft } from "./simulator-thread.js";

const $ = (id) => document.getElementById(id);
const el = {
  phone: $("sim-phone"),
  tabs: $("sim-tabs"),
  name: $("sim-page-name"),
  setup: $("sim-setup"),
  setupForm: $("sim-setup-form"),
  setupError: $("sim-setup-error"),
  setupName: $("sim-setup-title"),
  first: $("sim-first"),
  last: $("sim-last"),
  chat: $("sim-chat"),
  thread: $("sim-thread"),
  quick: $("sim-quick"),
  form: $("sim-form"),
  input: $("sim-input"),
  error: $("sim-error"),
  who: $("sim-who"),
  reset: $("sim-reset"),
  photo: $("sim-photo"),
  location: $("sim-location"),
};

let channel = "messenger";
let customer = null; // {user, psid?, first_name, last_name}
let sent = []; // what the customer sent: {id, text, tap?, photo?, location?, time, status}
const page = new Map(); // id → message Parley sent
const arrived = new Map(); // id → local time it arrived live
let stream = null;
let typingTimer = 0;

// ---------------------------------------------------------------- storage

const saveSent = () => save(sentKey(channel, customer.user), sent);

function showError(msg) {
  el.error.textContent = msg;
  el.error.hidden = !msg;
}

// ---------------------------------------------------------------- render

// visible returns the thread's bubbles, the typing indicator if it still
// shows, and the last bubble seen.
function visible() {
  const { bubbles, typing, seenAfter } = split(timeline(sent, page));
  clearTimeout(typingTimer);
  const left = typing ? typingLeft(typing, arrived.get(typing.m.id), CHANNELS[channel].typing) : 0;
  if (left > 0) typingTimer = setTimeout(render, left + 50);
  return { bubbles, typing: left > 0, seenAfter };
}

function welcome() {
  const c = CHANNELS[channel];
  return h(
    "div",
    { class: "sim-welcome" },
    h("p", { class: "sim-welcome-title", text: c.title || "Parley Demo Co." }),
    h("p", { text: c.welcome }),
    c.start ? chip(c.start.title, () => tap(c.start)) : null
  );
}

function render() {
  const { bubbles, typing, seenAfter } = visible();
  const nodes = bubbles.length ? [] : [welcome()];
  let lastTime = 0;
  const lastMe = bubbles.findLastIndex((it) => it.who === "me");
  bubbles.forEach((it, i) => {
    const gap = !lastTime || it.time - lastTime > 10 * 60 * 1000;
    if (gap) nodes.push(h("div", { class: "sim-stamp", text: stamp(it.time || Date.now()) }));
    lastTime = it.time || lastTime;
    const prev = bubbles[i - 1];
    const next = bubbles[i + 1];
    nodes.push(row(it, gap || !prev || prev.who !== it.who, !next || next.who !== it.who, tap));
    if (i === lastMe) nodes.push(status(it.m, seenAfter >= i, () => retry(it.m)));
  });
  if (typing) nodes.push(typingRow());
  el.thread.replaceChildren(...nodes);

  // Choices belong to the page's last message, until the customer answers.
  const tail = bubbles[bubbles.length - 1];
  const offered = tail && tail.who === "page" && Array.isArray(tail.m.quick_replies) ? tail.m.quick_replies : [];
  choices(el.quick, offered, tap);
  el.thread.scrollTop = el.thread.scrollHeight; // newest in view
}

// ---------------------------------------------------------------- sending

async function deliver(item) {
  const body = { channel, user: customer.user, first_name: customer.first_name, last_name: customer.last_name };
  if (item.tap) Object.assign(body, item.tap);
  else if (item.photo) body.photo = true;
  else if (item.location) body.location = item.location;
  else body.text = item.text;
  item.status = "sending";
  render();
  try {
    const res = await post("/simulator/api/send", body);
    item.status = "sent";
    if (res && res.mid) item.id = String(res.mid);
    showError("");
  } catch (err) {
    item.status = "failed";
    showError(err.message);
  }
  saveSent();
  render();
}

function queue(item) {
  item.id = `local-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  item.time = Date.now();
  sent.push(item);
  saveSent();
  return deliver(item);
}

// tap sends what the platform sends for a button, showing its title.
function tap(b) {
  if (!b.tap) return;
  return queue({ text: b.tap.text || b.title, tap: b.tap });
}

function retry(item) {
  if (item.status === "failed") deliver(item);
}

el.photo.addEventListener("click", () => queue({ text: "📷 Photo", photo: true }));
el.location.addEventListener("click", () =>
  queue({ text: "📍 Eiffel Tower", location: { lat: 48.8584, long: 2.2945, title: "Eiffel Tower" } })
);

el.form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = el.input.value.trim();
  if (!text) return;
  el.input.value = "";
  updateSend();
  queue({ text });
  el.input.focus();
});

function updateSend() {
  el.form.classList.toggle("has-text", !!el.input.value.trim());
}
el.input.addEventListener("input", updateSend);

// ---------------------------------------------------------------- receiving

const query = () => `channel=${channel}&user=${encodeURIComponent(customer.user)}`;

function addPageMessage(m, live) {
  if (!m || m.id === undefined || m.id === null) return;
  const id = String(m.id);
  if (live && !page.has(id)) arrived.set(id, Date.now());
  page.set(id, { ...page.get(id), ...m, id });
}

async function fetchMessages() {
  if (!customer) return;
  const who = customer;
  try {
    const res = await get(`/simulator/api/messages?${query()}`);
    if (customer !== who) return;
    for (const m of (res && res.messages) || []) addPageMessage(m, false);
    render();
  } catch (err) {
    showError(err.message);
  }
}

function connect() {
  disconnect();
  const who = customer;
  stream = new EventStream(`/simulator/api/stream?${query()}`, {
    ordered: false,
    onReconnect: fetchMessages,
    onStatus: (s) => el.chat.classList.toggle("offline", s !== "live"),
  });
  // replay: what was sent before this connection opened (no "arrived
  // now" for its typing indicator); message: sent since.
  for (const [type, live] of [["replay", false], ["message", true]]) {
    stream.on(type, (m) => {
      if (customer !== who) return;
      addPageMessage(m, live);
      render();
    });
  }
  stream.start();
}

function disconnect() {
  if (stream) stream.close();
  stream = null;
}

// ---------------------------------------------------------------- steps

function begin(c) {
  customer = c;
  save(customerKey(channel), c);
  sent = load(sentKey(channel, c.user), []);
  if (!Array.isArray(sent)) sent = [];
  // A send cut short by a reload is unknown: offer a retry.
  for (const m of sent) if (m.status === "sending") m.status = "failed";
  page.clear();
  arrived.clear();
  el.setup.hidden = true;
  el.chat.hidden = false;
  el.reset.hidden = false;
  el.who.textContent = describe(channel, c);
  render();
  connect();
  fetchMessages();
  el.input.focus();
}

// showSetup asks who is writing on this tab.
function showSetup() {
  disconnect();
  customer = null;
  sent = [];
  page.clear();
  el.thread.replaceChildren();
  el.quick.replaceChildren();
  showError("");
  el.chat.hidden = true;
  el.reset.hidden = true;
  el.setup.hidden = false;
  el.setupError.hidden = true;
  el.who.textContent = CHANNELS[channel].sub;
  el.first.value = "";
  el.last.value = "";
  const [f, l] = NAMES[Math.floor(Math.random() * NAMES.length)];
  el.first.placeholder = f;
  el.last.placeholder = l;
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
  const user = CHANNELS[channel].newUser();
  begin({ user, psid: channel === "messenger" ? user : undefined, first_name: first, last_name: last });
});

el.reset.addEventListener("click", () => {
  if (customer) localStorage.removeItem(sentKey(channel, customer.user));
  localStorage.removeItem(customerKey(channel));
  showSetup();
  el.first.focus();
});

// ---------------------------------------------------------------- tabs

// open switches the phone to a channel: its look, its customer.
function open(ch) {
  if (!CHANNELS[ch]) ch = "messenger";
  channel = ch;
  save(CHANNEL_KEY, ch);
  const c = CHANNELS[ch];
  el.phone.dataset.channel = ch;
  el.phone.setAttribute("aria-label", `Simulated ${c.label} app`);
  el.name.textContent = el.setupName.textContent = c.title || "Parley Demo Co.";
  el.input.placeholder = c.placeholder;
  el.photo.hidden = !c.photo;
  el.location.hidden = !c.location;
  document.title = `${c.label} simulator · Parley`;
  for (const t of el.tabs.querySelectorAll("[role=tab]")) {
    const on = t.dataset.channel === ch;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
  }
  el.phone.setAttribute("aria-labelledby", `sim-tab-${ch}`);
  const saved = load(customerKey(ch), null);
  if (saved && !saved.user) saved.user = saved.psid; // saved by the Messenger-only simulator
  if (saved && c.validUser(saved.user || "") && saved.first_name) begin(saved);
  else showSetup();
}

el.tabs.addEventListener("click", (ev) => {
  const t = ev.target.closest("[role=tab]");
  if (t && t.dataset.channel !== channel) open(t.dataset.channel);
});

// Arrow keys move between tabs, as in any tab list.
el.tabs.addEventListener("keydown", (ev) => {
  const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
  if (!step) return;
  const next = ORDER[(ORDER.indexOf(channel) + step + ORDER.length) % ORDER.length];
  open(next);
  $(`sim-tab-${next}`).focus();
});

open(location.hash.slice(1) || load(CHANNEL_KEY, "messenger"));
if (!customer) el.first.focus();
