// simulator-render.js — draws the simulated phone's thread the way each
// app shows it: bubbles, a picture, buttons under a bubble, a carousel of
// cards, and the choices offered until the customer answers (Messenger and
// LINE chips, Telegram and Viber keyboards). Taps go to onTap(button).
import { h } from "./dom.js";

const fmtTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fmtDay = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "numeric", minute: "2-digit" });

export function stamp(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? fmtTime.format(d) : fmtDay.format(d);
}

export function chip(title, onClick) {
  return h("button", { type: "button", class: "chip", text: title, onclick: onClick });
}

export function logoMini() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 32 32");
  svg.innerHTML =
    '<rect width="32" height="32" rx="16" fill="currentColor"/><path d="M9 10.5h10.5a3.5 3.5 0 0 1 3.5 3.5v3.5a3.5 3.5 0 0 1-3.5 3.5H15l-4.2 3.4a.6.6 0 0 1-1-.47V21A3.5 3.5 0 0 1 6.5 17.5V13A2.5 2.5 0 0 1 9 10.5Z" fill="#fff"/>';
  return svg;
}

// A button: links open in a new tab, the rest post their tap.
function button(b, onTap, cls) {
  if (b.url) return h("a", { class: `${cls} link`, href: b.url, target: "_blank", rel: "noopener", text: b.title });
  return h("button", { type: "button", class: cls, text: b.title, onclick: () => onTap(b) });
}

function buttons(list, onTap) {
  return h("div", { class: "sim-buttons" }, list.map((b) => button(b, onTap, "sim-button")));
}

function cards(list, onTap) {
  return h(
    "div",
    { class: "sim-cards" },
    list.map((c) =>
      h(
        "div",
        { class: "sim-card" },
        c.image ? h("img", { class: "sim-card-img", src: c.image, alt: "" }) : null,
        h(
          "div",
          { class: "sim-card-body" },
          c.title ? h("p", { class: "sim-card-title", text: c.title }) : null,
          c.subtitle ? h("p", { class: "sim-card-sub", text: c.subtitle }) : null
        ),
        c.buttons && c.buttons.length ? buttons(c.buttons, onTap) : null
      )
    )
  );
}

// bubble draws one message's bubble: a picture, then its text.
function bubble(it) {
  const m = it.m;
  const b = h("div", {
    class: `bubble ${it.who}${m.status === "failed" ? " failed" : ""}${m.image || m.photo ? " has-image" : ""}`,
    "data-id": m.id,
    title: it.time ? stamp(it.time) : null,
  });
  const src = m.image || (m.photo ? "/simulator/media/sample.png" : "");
  if (src) b.append(h("img", { class: "bubble-img", src, alt: m.photo ? "Photo" : "" }));
  const text = m.photo ? "" : m.text;
  if (text) b.append(src ? h("span", { class: "bubble-caption", text }) : text);
  return b;
}

// row draws a message: the page's avatar, the bubble, buttons and cards.
export function row(it, first, last, onTap) {
  const r = h("div", { class: `bubble-row ${it.who}${first ? " first" : ""}${last ? " last" : ""}` });
  if (it.who === "page") {
    r.append(last ? h("span", { class: "m-mini-avatar", "aria-hidden": "true" }, logoMini()) : h("span", { class: "m-mini-avatar spacer" }));
  }
  const col = h("div", { class: "bubble-col" });
  if (it.m.text || it.m.image || it.m.photo) col.append(bubble(it));
  if (it.m.buttons && it.m.buttons.length) col.append(buttons(it.m.buttons, onTap));
  if (it.m.cards && it.m.cards.length) col.append(cards(it.m.cards, onTap));
  r.append(col);
  return r;
}

export function typingRow() {
  return h(
    "div",
    { class: "bubble-row page first last typing-row" },
    h("span", { class: "m-mini-avatar", "aria-hidden": "true" }, logoMini()),
    h("div", { class: "bubble page typing", "aria-label": "Parley Demo Co. is typing" }, h("span"), h("span"), h("span"))
  );
}

// choices fills the quick-reply area with the last message's choices.
export function choices(node, list, onTap) {
  node.replaceChildren(...list.map((b) => (b.url ? button(b, onTap, "chip") : chip(b.title, () => onTap(b)))));
  node.hidden = !list.length;
}

// status is the line under the customer's last message.
export function status(m, seen, onRetry) {
  let text = "Sent";
  if (m.status === "sending") text = "Sending…";
  else if (m.status === "failed") text = "Not sent. Tap to retry.";
  else if (seen) text = "Seen";
  const s = h("div", { class: `sim-status${m.status === "failed" ? " failed" : ""}`, text });
  if (m.status === "failed") {
    s.setAttribute("role", "button");
    s.tabIndex = 0;
    s.addEventListener("click", onRetry);
    s.addEventListener("keydown", (ev) => (ev.key === "Enter" || ev.key === " ") && onRetry());
  }
  return s;
}
