// messages-ui.js — Messenger rendering for the Agent Desktop: attachments,
// locations, stickers, quick replies and buttons in the transcript; read
// and delivered ticks; the messaging window banner with its countdown;
// file uploads, quick-reply replies, typing indicators and mark-seen; the
// channel part of the customer panel. desktop.js calls these hooks.
import { get, post, ApiError } from "./api.js";
import { h } from "./dom.js";
import { cardsUI } from "./cards-ui.js";


function parse(payload) {
  if (!payload) return null;
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

// Only our own paths and http(s) links become hrefs.
function safeURL(u) {
  if (typeof u !== "string") return null;
  if (u.startsWith("/files/")) return u;
  try {
    const p = new URL(u);
    return p.protocol === "https:" || p.protocol === "http:" ? p.href : null;
  } catch {
    return null;
  }
}

function fmtSize(n) {
  if (!n) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1 << 20)).toFixed(1)} MB`;
}

function attachmentNode(a) {
  // Still being copied from the platform: its link may need the page's
  // token or sit on a host the page may not load, so wait for our copy.
  if (a.copying) return h("span", { class: "att att-copying", text: `Receiving ${a.type}…` });
  const url = safeURL(a.url);
  const name = a.name || a.type;
  if (!url) return h("span", { class: "att att-missing", text: `[${a.type}] unavailable` });
  switch (a.type) {
    case "image":
      return h("a", { class: "att att-image", href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: name || "Image", loading: "lazy" }));
    case "video":
      return h("video", { class: "att att-video", src: url, controls: true, preload: "metadata" });
    case "audio":
      return h("audio", { class: "att att-audio", src: url, controls: true, preload: "metadata" });
    default:
      return h(
        "a",
        { class: "att att-file", href: url, target: "_blank", rel: "noopener", download: a.file_id ? name : null },
        h("span", { class: "att-file-icon", "aria-hidden": "true", text: "FILE" }),
        h("span", { class: "att-file-name", text: name || "File" }),
        a.size ? h("span", { class: "att-file-size", text: fmtSize(a.size) }) : null
      );
  }
}

function pinNode() {
  const s = h("span", { class: "loc-pin", "aria-hidden": "true" });
  s.innerHTML = PIN_ICON;
  return s;
}

function chips(list, cls) {
  return h("div", { class: cls }, list.map((q) => h("span", { class: "chip", title: q.payload || q.url || "", text: q.title })));
}

/**
 * Renders the body of a Messenger message into bubble. Returns false when
 * the message is plain text (desktop.js renders it).
 */
export function renderBody(m, bubble, richText) {
  const p = parse(m.payload);
  switch (m.kind) {
    case "attachment": {
      const atts = (p && p.attachments) || [];
      bubble.classList.add("has-attachment");
      bubble.append(...atts.map(attachmentNode));
      if (m.text && !/^\[.*\]$/.test(m.text) && !atts.some((a) => a.name === m.text)) bubble.append(h("div", { class: "att-caption" }, richText(m.text)));
      return true;
    }
    case "location": {
      const url = p && safeURL(p.url);
      bubble.classList.add("location");
      bubble.append(
        pinNode(),
        url ? h("a", { class: "loc-link", href: url, target: "_blank", rel: "noopener", text: m.text || "Shared location" }) : richText(m.text || ""),
        p ? h("span", { class: "loc-coords", text: ` ${Number(p.lat).toFixed(5)}, ${Number(p.long).toFixed(5)}` }) : null
      );
      return true;
    }
    case "sticker":
      bubble.classList.add("sticker");
      bubble.append(h("span", { class: p && p.like ? "like" : "sticker-text", title: p && p.like ? "Like" : "Sticker", text: p && p.like ? "👍 Like" : m.text || "[sticker]" }));
      return true;
    case "quick_reply":
      bubble.classList.add("quick-reply");
      bubble.append(h("span", { class: "qr-icon", title: `Quick reply (payload ${m.payload})`, text: "↩ " }), richText(m.text || m.payload || ""));
      return true;
    case "optin":
    case "referral":
      bubble.classList.add("entry-event");
      bubble.append(richText(m.text || ""));
      return true;
  }
  if (m.direction === "out" && p && (p.quick_replies || p.buttons || p.elements || p.list)) {
    bubble.append(richText(m.text || ""));
    if (p.buttons && p.buttons.length) bubble.append(chips(p.buttons, "msg-buttons"));
    const els = [...(p.elements || []), ...((p.list && p.list.elements) || [])];
    if (els.length) bubble.append(h("div", { class: "msg-cards" }, els.map((e) => h("div", { class: "card", text: e.subtitle ? `${e.title} — ${e.subtitle}` : e.title }))));
    if (p.quick_replies && p.quick_replies.length) bubble.append(chips(p.quick_replies, "msg-quick-replies"));
    return true;
  }
  if (m.kind === "echo") {
    bubble.classList.add("echo");
    bubble.append(richText(m.text || ""));
    return true;
  }
  return false;
}

const TICK_TEXT = { sent: "Sent", delivered: "Delivered", read: "Read" };

/** Adds the delivery state in words next to the ticks of an outbound message. */
export function decorateFoot(m, foot) {
  if (!foot || !TICK_TEXT[m.status]) return;
  foot.append(h("span", { class: `tick-text tick-${m.status}`, text: TICK_TEXT[m.status] }));
}

// ---------------------------------------------------------------- channel UI

const CLIP_ICON = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M16.5 6.5 8.9 14.1a2 2 0 0 0 2.8 2.8l7.3-7.3a4 4 0 0 0-5.7-5.7l-7.4 7.4a6 6 0 0 0 8.5 8.5l6.1-6.1" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>';
const PIN_ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M12 21s-6-6.2-6-11a6 6 0 0 1 12 0c0 4.8-6 11-6 11z" fill="none" stroke="currentColor" stroke-width="1.8"/><circle cx="12" cy="10" r="2.2" fill="currentColor"/></svg>';

function countdown(ms) {
  if (ms <= 0) return "0m";
  const m = Math.floor(ms / 60000);
  const d = Math.floor(m / 1440);
  const hh = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  if (d > 0) return `${d}d ${hh}h`;
  if (hh > 0) return `${hh}h ${mm}m`;
  return `${mm}m`;
}

/**
 * Channel features of the composer and the customer panel. opts:
 * form (the composer form), composer (textarea), current() → open chat id,
 * onSent(message) to show a message the server accepted, onError(msg).
 */
export function channelUI(opts) {
  const banner = h("div", { id: "reach-banner", class: "reach-banner", role: "status", hidden: true });
  opts.form.prepend(banner);
  const fileInput = h("input", { type: "file", id: "file-input", class: "visually-hidden", tabindex: "-1" });
  const attachBtn = h("button", { type: "button", id: "attach-button", class: "btn btn-ghost btn-icon", title: "Send a file", "aria-label": "Send a file" });
  attachBtn.innerHTML = CLIP_ICON;
  const qrBtn = h("button", { type: "button", id: "quick-replies-button", class: "btn btn-ghost", title: "Send with quick replies", text: "Quick replies" });
  const qrInput = h("input", { type: "text", id: "quick-replies-input", class: "qr-input", placeholder: "Options, comma separated (e.g. Yes, No)", hidden: true, "aria-label": "Quick reply options" });
  const bar = opts.form.querySelector(".composer-bar");
  bar.prepend(fileInput, attachBtn, qrBtn, qrInput);
  const cards = cardsUI(bar, () => opts.onCards && opts.onCards(cards.cards().length > 0));

  let info = null; // channel info of the open chat
  let infoChat = null;
  let timer = null;
  let typingOn = false;
  let typingStop = null;
  let lastTyping = 0;

  const chatURL = (id, rest) => `/api/chats/${encodeURIComponent(id)}/${rest}`;
  const action = (id, a) => post(chatURL(id, "action"), { action: a }).catch(() => {});

  function renderBanner() {
    if (!info || infoChat !== opts.current()) {
      banner.hidden = true;
      return;
    }
    const r = info.reach || {};
    const left = r.expires_at ? Date.parse(r.expires_at) - Date.now() : 0;
    banner.hidden = false;
    banner.dataset.state = r.state;
    if (r.state === "open" && !r.expires_at) {
      // A channel without a messaging window (Telegram, web chat, …).
      banner.hidden = true;
    } else if (r.state === "open" && left > 0) {
      banner.textContent = `Messaging window open · ${countdown(left)} left to reply`;
      banner.dataset.state = left < 3600000 ? "closing" : "open";
    } else if (r.state === "human_agent" && left > 0) {
      banner.textContent = `Outside the 24-hour window · agent replies are tagged HUMAN_AGENT · ${countdown(left)} left`;
    } else {
      banner.dataset.state = "closed";
      banner.textContent = `Cannot reach the customer. ${r.reason || "The messaging window is closed."}`;
    }
    if (info.account && !info.account.active) {
      banner.hidden = false;
      banner.dataset.state = "closed";
      banner.textContent = `The page's access token is not working (${info.account.reason || "inactive"}); replies wait until an admin fixes it.`;
    }
    const blocked = banner.dataset.state === "closed" && !(info.account && !info.account.active);
    opts.composer.toggleAttribute("data-unreachable", blocked);
  }

  async function refresh(id) {
    if (!id) return;
    try {
      const res = await get(chatURL(id, "channel"));
      if (id !== opts.current()) return;
      info = res;
      infoChat = id;
      renderBanner();
      if (opts.onInfo) opts.onInfo();
    } catch {
      /* the banner stays hidden; sending still reports errors */
    }
  }

  function stopTyping(id) {
    clearTimeout(typingStop);
    if (typingOn && id) action(id, "typing_off");
    typingOn = false;
  }

  attachBtn.addEventListener("click", () => fileInput.click());
  // Sends a file to the open chat (the button, drag and drop, paste).
  async function upload(file) {
    const id = opts.current();
    if (!id || !file) return;
    const fd = new FormData();
    fd.append("file", file, file.name || "pasted-file");
    attachBtn.disabled = true;
    try {
      const res = await fetch(chatURL(id, "files"), { method: "POST", body: fd, credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = await res.json().catch(() => null);
      let msg = (data && data.error && data.error.message) || `${res.status} upload failed`;
      if (res.status === 413) msg = `${file.name || "The file"} was not sent: ${data && data.error ? data.error.message : "it is too large"}.`;
      if (!res.ok) throw new ApiError(msg, { status: res.status });
      opts.onSent(data);
    } catch (err) {
      opts.onError(err.message);
    } finally {
      attachBtn.disabled = false;
    }
  }
  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    upload(file);
  });

  qrBtn.addEventListener("click", () => {
    qrInput.hidden = !qrInput.hidden;
    qrBtn.classList.toggle("active", !qrInput.hidden);
    if (!qrInput.hidden) qrInput.focus();
  });

  setInterval(renderBanner, 30000);
  setInterval(() => refresh(opts.current()), 120000);

  return {
    /** The agent opened a chat: show its reach and tell the customer it was seen. */
    open(id) {
      if (id !== infoChat) {
        info = null;
        renderBanner();
      }
      refresh(id);
      action(id, "mark_seen");
    },
    /** A message arrived or changed. */
    message(m, watching) {
      if (m.direction === "in" && m.chat_id === opts.current()) {
        refresh(m.chat_id); // a customer message reopens the window
        if (watching) action(m.chat_id, "mark_seen");
      }
    },
    /** The agent typed in the composer. */
    typing(id) {
      if (!id) return;
      const now = Date.now();
      if (!typingOn || now - lastTyping > 10000) {
        typingOn = true;
        lastTyping = now;
        action(id, "typing_on");
      }
      clearTimeout(typingStop);
      typingStop = setTimeout(() => stopTyping(id), 4000);
    },
    /**
     * Sends the composer's text: with quick replies when some are entered
     * (returns the message), otherwise returns null for desktop.js's own send.
     */
    async send(id, text) {
      stopTyping(id);
      const carousel = cards.cards();
      if (carousel.length) {
        // The text goes first on its own: a carousel shows no text.
        if (text) opts.onSent(await post(chatURL(id, "messages"), { text }));
        const m = await post(chatURL(id, "rich"), { elements: carousel });
        cards.reset();
        if (opts.onCards) opts.onCards(false);
        return m;
      }
      const options = qrInput.hidden ? [] : qrInput.value.split(",").map((s) => s.trim()).filter(Boolean);
      if (!options.length) return null;
      const m = await post(chatURL(id, "rich"), { text, quick_replies: options.map((t) => ({ title: t, payload: t.toUpperCase().replace(/\W+/g, "_") })) });
      qrInput.value = "";
      qrInput.hidden = true;
      qrBtn.classList.remove("active");
      return m;
    },
    upload,
    /** Extra rows of the customer panel. */
    customerRows() {
      if (!info || infoChat !== opts.current()) return [];
      const rows = [["Page", info.page], [info.channel === "facebook" ? "PSID" : "Platform ID", info.psid, "mono"]];
      const r = info.reach || {};
      const open = r.state === "open" ? (r.expires_at ? "Yes (messaging window open)" : "Yes") : null;
      rows.push(["Reachable", open || (r.state === "human_agent" ? "Agents only (HUMAN_AGENT)" : "No")]);
      return rows; // earlier chats: their own section (desk-customer-panel.js)
    },
  };
}
