// desktop-util.js — small helpers of the Agent Desktop: times, avatars,
// linkified text, icons, the toast and error reporting.
import { isUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { el } from "./desktop-state.js";

export function parseTime(v) {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) || d.getFullYear() < 1971 ? null : d;
}

export const fmtTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fmtWeekday = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const fmtDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const fmtFullDate = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
export const fmtDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function startOfDay(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function shortWhen(d) {
  if (!d) return "";
  const days = Math.round((startOfDay(new Date()) - startOfDay(d)) / 86400000);
  if (days <= 0) return fmtTime.format(d);
  if (days < 7) return fmtWeekday.format(d);
  return fmtDate.format(d);
}

export function dayLabel(d) {
  const days = Math.round((startOfDay(new Date()) - startOfDay(d)) / 86400000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return fmtFullDate.format(d);
}

function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const first = parts[0] ? Array.from(parts[0])[0] : "?";
  const last = parts.length > 1 ? Array.from(parts[parts.length - 1])[0] : "";
  return (first + last).toUpperCase();
}

// A stable, pleasant colour per name.
function hue(name) {
  let x = 0;
  for (const ch of String(name || "")) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return [210, 250, 280, 330, 15, 35, 160, 190][x % 8];
}

export function avatar(name, pic, cls = "") {
  const node = h("span", { class: `avatar ${cls}`.trim(), "aria-hidden": "true" });
  fillAvatar(node, name, pic);
  return node;
}

export function fillAvatar(node, name, pic) {
  node.replaceChildren();
  node.style.setProperty("--avatar-hue", hue(name));
  node.textContent = initials(name);
  if (pic) {
    const img = h("img", { src: pic, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.remove());
    node.append(img);
  }
}

// Plain text with http(s) links made clickable; never HTML.
export function richText(text) {
  const frag = document.createDocumentFragment();
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
  let last = 0;
  for (const m of String(text || "").matchAll(re)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    frag.append(h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer", text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < String(text || "").length) frag.append(text.slice(last));
  return frag;
}

let toastTimer = 0;
export function toast(message, kind = "error") {
  el.toast.textContent = message;
  el.toast.dataset.kind = kind;
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.toast.hidden = true), 5000);
}

export function toLogin() {
  location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
}

export function handleError(err, what) {
  if (isUnauthorized(err)) {
    toLogin();
    return;
  }
  console.error(`parley: ${what}`, err);
  toast(`${what}: ${err.message}`);
}

// ---------------------------------------------------------------- icons

export const ICON = {
  pending:
    '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M8 4.8V8l2.2 1.4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>',
  sent: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  delivered:
    '<svg viewBox="0 0 20 16" width="18" height="14" aria-hidden="true"><path d="M1.5 8.5l3 3 7-7M8.5 11.5l7-7" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/><path d="M7.3 10.3l1.2 1.2" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/></svg>',
  failed:
    '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 1.8 15 14H1L8 1.8Z" fill="currentColor"/><path d="M8 6.2v3.6" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="11.7" r=".9" fill="#fff"/></svg>',
  bot: '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><rect x="2.5" y="5" width="11" height="8" rx="2.5" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 2.5V5" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/><circle cx="6" cy="9" r="1" fill="currentColor"/><circle cx="10" cy="9" r="1" fill="currentColor"/></svg>',
  inbox:
    '<svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true"><path d="M4 13.5 6.3 6.6A2 2 0 0 1 8.2 5.2h7.6a2 2 0 0 1 1.9 1.4L20 13.5V17a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-3.5Z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/><path d="M4 13.5h4.5a3.5 3.5 0 0 0 7 0H20" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>',
  person:
    '<svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true"><circle cx="12" cy="8.5" r="3.8" fill="currentColor"/><path d="M4.5 20a7.5 7.5 0 0 1 15 0" fill="currentColor"/></svg>',
  tap: '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><rect x="1.5" y="4" width="13" height="8" rx="4" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>',
};

const STATUS_TEXT = {
  pending: "Waiting to be sent",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not delivered",
};

export function statusIcon(m) {
  const s = m.status || "pending";
  const icon = s === "sending" ? ICON.pending : s === "read" ? ICON.delivered : ICON[s] || ICON.pending;
  let label = STATUS_TEXT[s] || s;
  if (s === "failed" && m.error) label += `: ${m.error}`;
  return h("span", { class: "msg-status", "data-status": s, title: label, role: "img", "aria-label": label, html: icon });
}

// The platforms' names as agents know them, by account type.
export const CHANNEL_LABEL = { facebook: "Facebook Messenger", telegram: "Telegram", line: "LINE", viber: "Viber", vonage: "Vonage", webchat: "Web chat" };

/** The channel a chat came from (the scenario's channel variable). */
export function channelLabel(chat) {
  const t = chat && chat.vars && chat.vars.channel;
  return CHANNEL_LABEL[t] || t || "Messenger";
}
