// desktop.js — the Agent Desktop's entry point. It loads the desktop's
// modules, each one concern, and starts the page:
//
//   desktop-state.js         shared model (chats, messages, unread, the open
//                            chat), the event bus and the page's named slots
//   desktop-util.js          times, avatars, linkified text, icons, toast
//   desktop-stream.js        the live event stream (/api/events)
//   desktop-live.js          applies stream events; resync at start/reconnect
//   desktop-chatlist.js      "My chats": order, unread, previews, Alt+↑/↓
//   desktop-conversation.js  opening a chat, its head, loading, closing
//   desktop-transcript.js    the messages of the open chat
//   desktop-composer.js      the reply box (+ messages-ui.js, cards-ui.js)
//   desktop-customer.js      the built-in part of the customer panel
//   desktop-presence.js      top bar: status menu, connection, log out
//   desktop-offers.js        offer cards with Accept / Reject
//   desktop-transfer.js      Transfer and Invite (conference) dialogs
//   desktop-newchat.js       New chat: start a chat to a known customer
//   desktop-attention.js     beep and browser notification for offers/messages
//   desktop-shortcuts.js     keyboard shortcuts and the "?" panel
//   desktop-emoji.js         the composer's emoji picker
//   desktop-attach.js        files by drag and drop and paste
//   desktop-preview.js       what the customer will see (quick replies, cards)
//
// Extension points — how another module (canned responses, wrap-up,
// customer history, screen pop…) joins the desktop without editing these:
//
//   1. Import it here, below the built-in modules (a side-effect import).
//   2. Listen on the bus (desktop-state.js):
//        bus.on("chat-selected", ({ id, chat }) => …)   the agent opened a chat
//        bus.on("chat-accepted", ({ id, chat }) => …)   a chat became theirs
//        bus.on("chat-updated" | "chat-closed" | "chat-left", ({ id, chat }) => …)
//        bus.on("message", ({ message, chat }) => …)    arrived or changed
//        bus.on("me" | "connection" | "resynced", …)
//      and read state.current / currentChat() / state.chats / state.messages.
//   3. Mount into the named slots of desktop.html (slots.* in desktop-state.js):
//        #composer-tools   buttons in the composer bar (left of Send)
//        #composer-panel   a panel above the text area (pickers, suggestions)
//        #customer-extra   sections under the customer details
//        #side-panel       a panel beside the conversation (e.g. a screen pop
//                          iframe); give it content and unhide it
//   4. Use the composer: insertText(text, replace?), composerText(),
//      showSent(message), showComposerError(msg) from desktop-composer.js.
//      To take Enter / arrow keys first (a suggestion list), listen for
//      "keydown" on #composer-form in the capture phase and preventDefault:
//      the composer leaves prevented Enter alone.
//   5. Add rows to the customer details: addCustomerRows(chat => rows) from
//      desktop-customer.js. Ask before closing: onBeforeClose(chat => bool)
//      from desktop-conversation.js (returning false stops the close).
//   6. Open a chat from elsewhere: openChat(id) from desktop-conversation.js.
import { isUnauthorized } from "./api.js";
import { bus } from "./desktop-state.js";
import { handleError } from "./desktop-util.js";
import { renderAll } from "./desktop-conversation.js";
import { loadMe } from "./desktop-presence.js";
import { startLive } from "./desktop-live.js";
import "./desktop-chatlist.js";
import "./desktop-offers.js";
import "./desktop-transfer.js";
import "./desktop-newchat.js";
import "./desktop-attention.js";
import "./desktop-shortcuts.js";
import "./desktop-emoji.js";
import "./desktop-attach.js";
import "./desktop-preview.js";

// For people and tests: how many full syncs the page has done.
let syncs = 0;
bus.on("resynced", () => (document.body.dataset.synced = String(++syncs)));
// Issue 10's desk data: customer panel sections and history, wrap-up and
// After Chat Work, canned responses in the composer, screen pop and the
// ?chat= deep link.
import "./desk-customer-panel.js";
import "./desk-wrapup.js";
import "./desk-canned.js";
import "./desk-screenpop.js";
import "./desk-typing.js";
// The knowledge base: a Knowledge tab beside the customer panel.
import "./desk-kb.js";

(async function start() {
  try {
    await loadMe();
  } catch (err) {
    handleError(err, "Could not load your profile");
    if (isUnauthorized(err)) return;
  }
  renderAll();
  await startLive();
})();
