// desktop-shortcuts.js — keyboard shortcuts and the "?" panel that lists
// them, with the sound and notification settings.
//
//   Alt+A        accept the oldest offer
//   Alt+N        next chat with unread messages
//   Alt+T        transfer the open chat
//   Alt+↑ / ↓    previous / next chat
//   Enter        send (Shift+Enter: new line)
//   /            canned responses (focuses the composer with "/")
//   Alt+K        knowledge base (desk-kb.js)
//   ?            this panel; Esc closes it
import { h } from "./dom.js";
import { el } from "./desktop-state.js";
import { nextUnread } from "./desktop-chatlist.js";
import { openRoutingDialog } from "./desktop-transfer.js";
import { askPermission, beep, prefs } from "./desktop-attention.js";

export const SHORTCUTS = [
  ["Alt+A", "Accept the oldest chat offered to you"],
  ["Alt+N", "Next chat with unread messages"],
  ["Alt+T", "Transfer the open chat"],
  ["Alt+↑ / Alt+↓", "Previous / next chat"],
  ["Enter", "Send (Shift+Enter for a new line)"],
  ["/", "Canned responses: search by shortcut or words"],
  ["Alt+K", "Knowledge base: search the articles"],
  ["?", "Show or hide this list"],
  ["Esc", "Close this list or a dialog"],
];

const button = h("button", { type: "button", id: "shortcuts-button", class: "btn btn-ghost btn-icon help-button", title: "Keyboard shortcuts and alerts (?)", "aria-label": "Keyboard shortcuts and alerts", "aria-expanded": "false", "aria-controls": "shortcuts-help", text: "?" });
el.logout.before(button);

const sound = h("input", { type: "checkbox", id: "sound-toggle", checked: prefs.sound });
const notifyBtn = h("button", { type: "button", id: "notify-permission", class: "btn btn-secondary" });
const panel = h(
  "section",
  { id: "shortcuts-help", class: "shortcuts-help", role: "dialog", "aria-label": "Keyboard shortcuts", hidden: true },
  h("h2", { text: "Keyboard shortcuts" }),
  h("dl", { class: "shortcut-list" }, ...SHORTCUTS.flatMap(([k, what]) => [h("dt", {}, h("kbd", { text: k })), h("dd", { text: what })])),
  h("h2", { text: "Alerts" }),
  h("label", { class: "toggle-row", for: "sound-toggle" }, sound, " Beep for new offers and messages in other chats"),
  h("div", { class: "toggle-row" }, notifyBtn)
);
document.body.append(panel);

function renderNotify() {
  const N = window.Notification;
  const p = N ? N.permission : "unsupported";
  notifyBtn.textContent = p === "granted" ? "Desktop notifications are on" : p === "denied" ? "Notifications are blocked in this browser" : p === "unsupported" ? "No desktop notifications in this browser" : "Turn on desktop notifications";
  notifyBtn.disabled = p !== "default";
}

function show(on) {
  panel.hidden = !on;
  button.setAttribute("aria-expanded", String(on));
  if (on) {
    renderNotify();
    sound.focus();
  }
}

button.addEventListener("click", () => show(panel.hidden));
sound.addEventListener("change", () => {
  prefs.sound = sound.checked;
  if (sound.checked) beep("message");
});
notifyBtn.addEventListener("click", async () => {
  await askPermission();
  renderNotify();
});
document.addEventListener("click", (ev) => {
  if (!panel.hidden && !panel.contains(ev.target) && ev.target !== button) show(false);
});

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function clickIf(sel) {
  const b = document.querySelector(sel);
  if (!b || b.disabled) return false;
  b.click();
  return true;
}

document.addEventListener("keydown", (ev) => {
  if (ev.defaultPrevented || ev.isComposing || document.querySelector("dialog[open]")) return;
  if (ev.altKey && !ev.ctrlKey && !ev.metaKey) {
    const done =
      ev.code === "KeyA" ? clickIf("#offer-tray .offer-card .offer-accept") : ev.code === "KeyN" ? nextUnread() : ev.code === "KeyT" ? !document.querySelector("#transfer-chat").disabled && (openRoutingDialog("transfer"), true) : false;
    if (done) ev.preventDefault();
    return;
  }
  if (ev.key === "Escape" && !panel.hidden) {
    show(false);
    button.focus();
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
  if (ev.key === "?") {
    ev.preventDefault();
    show(panel.hidden);
  } else if (ev.key === "/") {
    // Focus the composer and let the key type its "/" there (the canned
    // responses' trigger); with text already written, only focus it.
    if (el.composer.disabled) return;
    if (el.composer.value) ev.preventDefault();
    el.composer.focus();
    el.composer.setSelectionRange(el.composer.value.length, el.composer.value.length);
  }
});
