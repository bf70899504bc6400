// Parley's web chat widget. One tag adds it to any page:
//
//   <script src="https://parley.example.com/widget.js" data-account="ACCOUNT_ID"></script>
//
// It draws a launcher button and a chat panel in a shadow root (the page's
// CSS cannot reach it, nor its CSS the page), keeps the visitor token in
// localStorage (a reload resumes the chat), posts messages to the account's
// webhook URL and reads the transcript plus a live stream from /widget/.
// No dependencies, no build step: a plain script, so it works from a
// classic <script> tag on another origin.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.dataset.account) return;
  const base = new URL(script.src, location.href).origin;
  const account = script.dataset.account;
  const api = `${base}/widget/${encodeURIComponent(account)}`;
  const storeKey = `parley-widget:${account}`;
  const HEADER = "X-Parley-Visitor";

  // Icons: inline SVG (static markup of our own), so no emoji font is needed.
  const svg = (d) => `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${d}</svg>`;
  const ICON = {
    chat: svg('<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/>'),
    close: svg('<path d="M6 6l12 12M18 6L6 18"/>'),
    clip: svg('<path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/>'),
  };

  // --- state -------------------------------------------------------------
  const saved = load();
  const state = { token: saved.token || "", fields: saved.fields || {}, open: !!saved.open,
    session: null, started: false, lastEventId: "", messages: new Map(), streaming: false };

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch { return {}; }
  }
  function save() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ token: state.token, fields: state.fields, open: state.open }));
    } catch { /* private mode: the chat lasts as long as the page */ }
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  }

  // --- DOM helpers -------------------------------------------------------
  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) n.append(k);
    return n;
  }
  function safeURL(u) {
    try {
      const url = new URL(u, base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
    } catch { return ""; }
  }

  const host = el("div", { id: "parley-widget" });
  const root = host.attachShadow({ mode: "open" });
  // The look comes from a stylesheet on Parley's origin, not an inline
  // <style>: pages with a strict CSP block inline styles. The widget shows
  // once it has loaded (or failed to: unstyled beats invisible).
  host.hidden = true;
  const reveal = () => { host.hidden = false; };
  root.append(el("link", { rel: "stylesheet", href: `${base}/static/widget.css`, onload: reveal, onerror: reveal }));
  const launcher = el("button", { class: "launcher", type: "button", "aria-label": "Chat with us", onclick: toggle });
  const title = el("span", { class: "title" }, "Chat");
  const closeBtn = el("button", { class: "close", type: "button", "aria-label": "Close the chat", onclick: toggle }, "×");
  const log = el("div", { class: "log", role: "log", "aria-live": "polite" });
  const greeting = el("p", { class: "greeting" });
  const chips = el("div", { class: "chips" });
  const status = el("div", { class: "status", hidden: "" });
  const input = el("textarea", { rows: "1", placeholder: "Write a message…", "aria-label": "Message" });
  const file = el("input", { type: "file", hidden: "" });
  const attach = el("button", { class: "attach", type: "button", "aria-label": "Send a file", title: "Send a file", onclick: () => file.click() });
  attach.innerHTML = ICON.clip;
  const send = el("button", { class: "send", type: "submit" }, "Send");
  const composer = el("form", { class: "composer" }, attach, file, input, send);
  const prechat = el("form", { class: "prechat" });
  const panel = el("section", { class: "panel", "aria-label": "Chat" },
    el("header", {}, title, closeBtn), greeting, log, prechat, chips, status, composer);
  root.append(panel, launcher);

  composer.addEventListener("submit", (e) => { e.preventDefault(); sendText(); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); sendText(); }
  });
  file.addEventListener("change", () => { if (file.files[0]) upload(file.files[0]); file.value = ""; });
  // The agent sees "typing…": told at most every 3 s while the visitor
  // types in a started chat, never the text itself.
  let typedAt = 0;
  input.addEventListener("input", () => {
    if (!state.token || !state.started || !input.value.trim() || Date.now() - typedAt < 3000) return;
    typedAt = Date.now();
    call(`${api}/typing`, { method: "POST" }).catch(() => { /* only a hint */ });
  });

  // --- server calls ------------------------------------------------------
  async function call(path, opts = {}) {
    const headers = Object.assign({}, opts.headers);
    if (state.token) headers[HEADER] = state.token;
    const resp = await fetch(path, Object.assign({}, opts, { headers, mode: "cors", credentials: "omit" }));
    if (!resp.ok) {
      let msg = `HTTP ${resp.status}`;
      try { msg = (await resp.json()).error.message; } catch { /* not JSON */ }
      throw new Error(msg);
    }
    return resp;
  }
  function post(body) {
    body.id = uuid();
    if (Object.keys(state.fields).length) body.fields = state.fields;
    return call(`${base}/webhooks/webchat/${encodeURIComponent(account)}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  async function start() {
    try {
      const s = await (await call(`${api}/session`, { method: "POST" })).json();
      state.session = s;
      state.token = s.visitor_token;
      state.started = s.started;
      save();
      title.textContent = s.title;
      greeting.textContent = s.greeting || "";
      greeting.hidden = !s.greeting;
      if (s.started || Object.keys(state.fields).length) await resume();
      showForm();
    } catch (err) {
      setStatus(`Chat unavailable: ${err.message}`);
      setTimeout(start, 5000);
    }
    render();
  }

  async function resume() {
    const t = await (await call(`${api}/messages`)).json();
    for (const m of t.messages) state.messages.set(m.id, m);
    if (!state.lastEventId) state.lastEventId = String(t.last_event_id);
    state.started = state.started || t.messages.length > 0;
    render();
    if (!state.streaming) stream();
  }

  // stream reads the live Server-Sent Events with fetch (EventSource cannot
  // send the token header) and reconnects with Last-Event-ID.
  async function stream() {
    state.streaming = true;
    for (;;) {
      try {
        const resp = await call(`${api}/stream`, { headers: state.lastEventId ? { "Last-Event-ID": state.lastEventId } : {} });
        setStatus("");
        const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            onEvent(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
        }
      } catch (err) {
        setStatus("Reconnecting…");
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  function onEvent(block) {
    let id = "", data = "", type = "message";
    for (const line of block.split("\n")) {
      const [k, ...rest] = line.split(":");
      const v = rest.join(":").replace(/^ /, "");
      if (k === "id") id = v;
      else if (k === "data") data += v;
      else if (k === "event") type = v;
    }
    if (id) state.lastEventId = id;
    if (type !== "message" || !data) return;
    try {
      const m = JSON.parse(data);
      state.messages.set(m.id, m);
      state.started = true;
      render();
    } catch { /* a malformed event: skipped */ }
  }

  async function sendText() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    typedAt = 0; // the next message's typing shows at once
    await say({ text });
  }
  async function say(body) {
    try {
      await post(body);
      setStatus("");
      if (!state.streaming) await resume();
    } catch (err) {
      setStatus(`Not sent: ${err.message}`);
    }
  }
  async function upload(f) {
    const fd = new FormData();
    fd.append("id", uuid());
    fd.append("file", f, f.name);
    setStatus(`Sending ${f.name}…`);
    try {
      await call(`${api}/files`, { method: "POST", body: fd });
      setStatus("");
      if (!state.streaming) await resume();
    } catch (err) {
      setStatus(`Not sent: ${err.message}`);
    }
  }

  // --- rendering ---------------------------------------------------------
  function toggle() {
    state.open = !state.open;
    save();
    render();
    if (state.open) input.focus();
  }
  function setStatus(s) { status.textContent = s; status.hidden = !s; }

  function needsForm() {
    const s = state.session;
    return !!s && s.prechat_fields.length > 0 && !state.started && !Object.keys(state.fields).length;
  }
  function showForm() {
    prechat.replaceChildren();
    if (!needsForm()) return;
    const inputs = state.session.prechat_fields.map((f) => {
      const i = el("input", { name: f, required: "", type: f === "email" ? "email" : f === "phone" ? "tel" : "text" });
      prechat.append(el("label", {}, f.charAt(0).toUpperCase() + f.slice(1).replace(/_/g, " "), i));
      return i;
    });
    prechat.append(el("button", { type: "submit" }, "Start the chat"));
    prechat.onsubmit = async (e) => {
      e.preventDefault();
      const fields = {};
      for (const i of inputs) fields[i.name] = i.value.trim();
      state.fields = fields;
      save();
      state.started = true;
      render();
      await say({});
    };
  }

  function render() {
    panel.hidden = !state.open;
    launcher.innerHTML = state.open ? ICON.close : ICON.chat;
    const form = needsForm();
    prechat.hidden = !form;
    composer.hidden = form;
    const msgs = [...state.messages.values()].sort((a, b) =>
      a.chat_id === b.chat_id ? a.seq - b.seq : a.created_at.localeCompare(b.created_at));
    log.replaceChildren(...msgs.map(bubble));
    renderChips(msgs[msgs.length - 1]);
    log.scrollTop = log.scrollHeight;
  }

  function bubble(m) {
    const mine = m.sender === "customer";
    const r = m.reply || {};
    const b = el("div", { class: `msg ${mine ? "mine" : "theirs"} ${m.sender}`, "data-id": m.id });
    if (!mine) b.append(el("span", { class: "who" }, m.agent_name || (m.sender === "bot" ? "Assistant" : "Support")));
    if (r.text) b.append(el("p", {}, r.text));
    for (const a of r.attachments || []) b.append(attachment(a));
    if (r.buttons && r.buttons.length) b.append(buttons(r.buttons));
    if (r.elements && r.elements.length) b.append(el("div", { class: "cards" }, ...r.elements.map(card)));
    return b;
  }
  function buttons(list) {
    return el("div", { class: "buttons" }, ...list.map((btn) => {
      if (btn.type === "web_url") {
        const href = safeURL(btn.url);
        return href ? el("a", { class: "btn", href, target: "_blank", rel: "noopener noreferrer" }, btn.title) : null;
      }
      return el("button", { class: "btn", type: "button", onclick: () => say({ text: btn.title, payload: btn.payload || btn.title }) }, btn.title);
    }));
  }
  function card(c) {
    const img = safeURL(c.image_url || "");
    return el("div", { class: "card" },
      img ? el("img", { src: img, alt: "" }) : null,
      el("strong", {}, c.title),
      c.subtitle ? el("small", {}, c.subtitle) : null,
      c.buttons && c.buttons.length ? buttons(c.buttons) : null);
  }
  function attachment(a) {
    const name = a.name || a.type;
    if (!a.url.startsWith("/widget/")) {
      const href = safeURL(a.url);
      if (a.type === "image" && href) return el("img", { class: "media", src: href, alt: name });
      return href ? el("a", { class: "file", href, target: "_blank", rel: "noopener noreferrer" }, name) : null;
    }
    // Our own files need the visitor token: fetched, then shown as a blob.
    const out = a.type === "image" ? el("img", { class: "media", alt: name })
      : el("a", { class: "file", href: "#", download: name }, name);
    call(base + a.url).then((r) => r.blob()).then((blob) => {
      const u = URL.createObjectURL(blob);
      if (a.type === "image") out.src = u; else out.href = u;
    }).catch(() => { out.replaceWith(el("span", { class: "file" }, `${name} (unavailable)`)); });
    return out;
  }
  function renderChips(last) {
    chips.replaceChildren();
    const qr = last && last.sender !== "customer" && last.reply && last.reply.quick_replies;
    if (!qr) return;
    for (const q of qr) {
      chips.append(el("button", { type: "button", class: "chip",
        onclick: () => say({ text: q.title, payload: q.payload || q.title, quick_reply: true }) }, q.title));
    }
  }

  // --- go ----------------------------------------------------------------
  const mount = () => { document.body.append(host); render(); start(); };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
