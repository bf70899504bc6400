// desk-screenpop.js — the screen pop: when the agent accepts a chat, its
// service's URL (filled by the server from the chat's variables,
// URL-encoded) opens in the side panel or a new tab, as the service says.
// Also the desktop's deep link: /desktop?chat=<id> opens that chat, or,
// when it is an earlier chat the agent may read, its transcript.
import { get } from "./api.js";
import { h } from "./dom.js";
import { bus, slots, state } from "./desktop-state.js";
import { openChat } from "./desktop-conversation.js";
import { openTranscript } from "./desk-customer-panel.js";
import { toast } from "./desktop-util.js";

const pops = new Map(); // chat id → filled URL shown in the panel

// Below 1180 px there is no room for a fourth column: the screen pop is a
// drawer over the page, opened by this button next to "Customer".
const toggle = h("button", {
  type: "button",
  id: "side-toggle",
  class: "btn btn-secondary side-toggle",
  "aria-controls": "side-panel",
  "aria-expanded": "false",
  text: "Screen pop",
  hidden: true,
});
document.querySelector("#customer-toggle")?.after(toggle);
const desk = document.querySelector(".desktop");
function showDrawer(on) {
  desk?.classList.toggle("show-side", on);
  toggle.setAttribute("aria-expanded", String(on));
}
toggle.addEventListener("click", () => showDrawer(!desk?.classList.contains("show-side")));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && desk?.classList.contains("show-side")) showDrawer(false);
});

function showPanel(chatId) {
  const side = slots.sidePanel;
  const url = pops.get(chatId);
  if (!side) return;
  toggle.hidden = !url;
  if (!url) {
    side.hidden = true;
    side.replaceChildren();
    showDrawer(false);
    return;
  }
  if (side.dataset.chat === chatId && !side.hidden) return;
  side.dataset.chat = chatId;
  side.replaceChildren(
    h(
      "div",
      { class: "side-head" },
      h("strong", { text: "Screen pop" }),
      h("a", { href: url, target: "_blank", rel: "noopener", class: "topbar-link", text: "Open in a new tab" }),
      h("button", {
        class: "btn btn-ghost btn-icon",
        type: "button",
        "aria-label": "Close the screen pop",
        text: "×",
        onclick: () => {
          pops.delete(chatId);
          showPanel(chatId);
        },
      })
    ),
    h("iframe", { id: "screen-pop", class: "screen-pop", src: url, title: "Screen pop", referrerpolicy: "no-referrer" })
  );
  side.hidden = false;
}

async function pop(chatId) {
  let p;
  try {
    p = await get(`/api/chats/${encodeURIComponent(chatId)}/screenpop`);
  } catch {
    return; // no pop for a chat we may not see
  }
  if (!p.url) return;
  if (p.mode === "tab") {
    const w = window.open(p.url, "_blank", "noopener");
    if (!w) toast("The browser blocked the screen pop; allow pop-ups for this site.");
    return;
  }
  pops.set(chatId, p.url);
  if (state.current === chatId) showPanel(chatId);
}

bus.on("chat-accepted", ({ id }) => pop(id));
bus.on("chat-selected", ({ id }) => showPanel(id));
bus.on("chat-closed", ({ id }) => pops.delete(id) && showPanel(state.current));
bus.on("chat-left", ({ id }) => pops.delete(id) && showPanel(state.current));

// The deep link, once the page has its chats.
let linked = new URLSearchParams(location.search).get("chat");
bus.on("resynced", () => {
  if (!linked) return;
  const id = linked;
  linked = null;
  history.replaceState(null, "", location.pathname);
  if (state.chats.has(id)) openChat(id);
  else openTranscript(id);
});
