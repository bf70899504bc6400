// desk-canned.js — canned responses in the composer. Typing "/" at the
// start of a word lists the responses the agent may use in this chat
// (global, the chat's service's, their own), searched by shortcut or
// words; ↑/↓ choose, Enter or Tab inserts the response with its
// variables filled for the chat, Esc closes. The text can then be edited
// before sending. A response's quick replies, buttons and attachments go
// with the next send (shown above the composer, removable).
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { bus, el, slots, state } from "./desktop-state.js";
import { insertText, showComposerError, showSent } from "./desktop-composer.js";

const MAX_SHOWN = 8;
const cache = new Map(); // chat id → {at, list}
let menu = null; // {chatId, start, items, index, node}
let pending = null; // {chatId, filled} extras to send with the next reply

async function responses(chatId) {
  const hit = cache.get(chatId);
  if (hit && Date.now() - hit.at < 60_000) return hit.list;
  const data = await get(`/api/canned?chat=${encodeURIComponent(chatId)}`);
  const list = data.canned || [];
  cache.set(chatId, { at: Date.now(), list });
  return list;
}

/** Responses matching q: shortcut prefix first, then shortcut or words. */
export function search(list, q) {
  q = q.toLowerCase();
  const words = q.split(/\s+/).filter(Boolean);
  const scored = [];
  for (const c of list) {
    const hay = `${c.title} ${c.text}`.toLowerCase();
    let rank = -1;
    if (!q || c.shortcut.startsWith(q)) rank = 0;
    else if (c.shortcut.includes(q)) rank = 1;
    else if (words.every((w) => hay.includes(w))) rank = 2;
    if (rank >= 0) scored.push([rank, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].shortcut.localeCompare(b[1].shortcut));
  return scored.slice(0, MAX_SHOWN).map(([, c]) => c);
}

/** The "/query" being typed at the cursor, or null. */
function slashQuery() {
  const c = el.composer;
  const before = c.value.slice(0, c.selectionStart ?? c.value.length);
  const m = /(^|\s)\/([^\s/]{0,32})$/.exec(before);
  return m ? { start: before.length - m[2].length - 1, q: m[2] } : null;
}

function closeMenu() {
  if (menu?.node) menu.node.remove();
  menu = null;
  el.composer.removeAttribute("aria-activedescendant");
  el.composer.setAttribute("aria-expanded", "false");
}

function renderMenu() {
  if (!menu) return;
  const node = h(
    "ul",
    { id: "canned-menu", class: "canned-menu", role: "listbox", "aria-label": "Canned responses" },
    menu.items.length
      ? menu.items.map((c, i) =>
          h(
            "li",
            {
              id: `canned-opt-${i}`,
              role: "option",
              class: "canned-option",
              "aria-selected": i === menu.index ? "true" : "false",
              "data-shortcut": c.shortcut,
              onmousedown: (ev) => {
                ev.preventDefault(); // keep the composer's focus
                menu.index = i;
                choose();
              },
            },
            h("span", { class: "canned-shortcut", text: `/${c.shortcut}` }),
            h("span", { class: "canned-title", text: c.title }),
            h("span", { class: "canned-preview", text: c.text }),
            c.scope !== "global" ? h("span", { class: "canned-scope", text: c.scope }) : null
          )
        )
      : [h("li", { class: "canned-none", text: "No canned response matches. Manage them on the Canned responses page." })]
  );
  if (menu.node) menu.node.replaceWith(node);
  else slots.composerPanel.prepend(node);
  menu.node = node;
  el.composer.setAttribute("aria-expanded", "true");
  el.composer.setAttribute("aria-activedescendant", menu.items.length ? `canned-opt-${menu.index}` : "");
  node.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
}

async function update() {
  const chatId = state.current;
  const found = chatId && slashQuery();
  if (!found) return closeMenu();
  let list;
  try {
    list = await responses(chatId);
  } catch (err) {
    showComposerError(`Canned responses: ${err.message}`);
    return closeMenu();
  }
  const again = slashQuery(); // the agent may have typed on meanwhile
  if (state.current !== chatId || !again) return closeMenu();
  const items = search(list, again.q);
  menu = { chatId, start: again.start, items, index: 0, node: menu?.node || null };
  renderMenu();
}

async function choose() {
  if (!menu || !menu.items.length) return;
  const { chatId, start } = menu;
  const chosen = menu.items[menu.index];
  const end = el.composer.selectionStart ?? el.composer.value.length;
  closeMenu();
  try {
    const filled = await get(`/api/chats/${encodeURIComponent(chatId)}/canned/${encodeURIComponent(chosen.id)}`);
    if (state.current !== chatId) return;
    insertText(filled.text, [start, end]);
    const extra = (filled.quick_replies?.length || 0) + (filled.buttons?.length || 0) + (filled.attachments?.length || 0);
    setPending(extra ? { chatId, filled } : null);
  } catch (err) {
    showComposerError(err.message);
  }
}

function setPending(p) {
  pending = p;
  document.getElementById("canned-extras")?.remove();
  if (!p) return;
  const f = p.filled;
  const parts = [];
  if (f.quick_replies?.length) parts.push(`quick replies: ${f.quick_replies.join(" · ")}`);
  if (f.buttons?.length) parts.push(`buttons: ${f.buttons.map((b) => b.title).join(" · ")}`);
  if (f.attachments?.length) parts.push(`${f.attachments.length === 1 ? "attachment" : "attachments"}: ${f.attachments.map((a) => a.name || a.url).join(", ")}`);
  slots.composerPanel.append(
    h(
      "div",
      { id: "canned-extras", class: "canned-extras" },
      h("span", { text: `/${f.shortcut} sends with ${parts.join("; ")}` }),
      h("button", { class: "btn btn-ghost btn-icon", type: "button", title: "Send without them", "aria-label": "Send without them", text: "×", onclick: () => setPending(null) })
    )
  );
}

// Arrow keys, Enter, Tab and Escape belong to the menu while it is open
// (capture phase: before the composer's own Enter-to-send).
el.composerForm.addEventListener(
  "keydown",
  (ev) => {
    if (!menu || ev.target !== el.composer || ev.isComposing) return;
    const n = menu.items.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!n) return;
      ev.preventDefault();
      menu.index = (menu.index + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderMenu();
    } else if ((ev.key === "Enter" && !ev.shiftKey) || ev.key === "Tab") {
      if (!n) return;
      ev.preventDefault();
      choose();
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      closeMenu();
    }
  },
  true
);

el.composer.addEventListener("input", update);
el.composer.addEventListener("click", update);
el.composer.addEventListener("blur", () => setTimeout(() => document.activeElement !== el.composer && closeMenu(), 150));

// A reply with a canned response's extras: text with quick replies or
// buttons as one rich message, then the attachments.
el.composerForm.addEventListener(
  "submit",
  async (ev) => {
    if (!pending || pending.chatId !== state.current || state.sending) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    const id = state.current;
    const f = pending.filled;
    const text = el.composer.value.trim();
    state.sending = true;
    try {
      let m = null;
      if (f.quick_replies?.length || f.buttons?.length) {
        m = await post(`/api/chats/${encodeURIComponent(id)}/rich`, {
          text,
          quick_replies: (f.quick_replies || []).map((title) => ({ title })),
          buttons: (f.buttons || []).map((b) => (b.url ? { type: "web_url", title: b.title, url: b.url } : { type: "postback", title: b.title, payload: b.payload })),
        });
      } else if (text) {
        m = await post(`/api/chats/${encodeURIComponent(id)}/messages`, { text });
      }
      if (m) showSent({ chat_id: id, ...m });
      el.composer.value = "";
      el.composer.dispatchEvent(new Event("input", { bubbles: true }));
      if (f.attachments?.length) {
        const sent = await post(`/api/chats/${encodeURIComponent(id)}/canned/${encodeURIComponent(f.id)}/attachments`);
        for (const a of sent.messages || []) showSent(a);
      }
      setPending(null);
    } catch (err) {
      showComposerError(err.message);
    } finally {
      state.sending = false;
      el.composer.focus();
    }
  },
  true
);

el.composer.setAttribute("aria-controls", "canned-menu");
el.composer.setAttribute("aria-autocomplete", "list");
bus.on("chat-selected", () => {
  closeMenu();
  if (pending && pending.chatId !== state.current) setPending(null);
});
