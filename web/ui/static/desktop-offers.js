// desktop-offers.js — chats offered to the agent: a card per offer with
// Accept, Reject and a countdown, floating over the page.
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { bus, state } from "./desktop-state.js";
import { handleError, toast } from "./desktop-util.js";
import { stream } from "./desktop-stream.js";

const offers = new Map(); // chat id → offer

const tray = h("section", { id: "offer-tray", class: "offer-tray", "aria-live": "assertive", "aria-label": "Chats offered to you" });
document.body.append(tray);

function secondsLeft(o) {
  if (!o.expires_at) return null;
  return Math.max(0, Math.ceil((new Date(o.expires_at).getTime() - Date.now()) / 1000));
}

function renderOffers() {
  tray.replaceChildren(
    ...[...offers.values()].map((o) => {
      const chat = o.chat || {};
      const name = (chat.customer && chat.customer.name) || "Customer";
      const left = secondsLeft(o);
      // The customer's question, not the bot's last line.
      const said = chat.last_customer_message || chat.last_message;
      const last = said ? said.text : "";
      const accept = h("button", { type: "button", class: "btn btn-primary offer-accept", "data-chat-id": chat.id, text: "Accept" });
      const reject = h("button", { type: "button", class: "btn btn-secondary offer-reject", "data-chat-id": chat.id, text: "Reject" });
      accept.addEventListener("click", () => answer(chat.id, "accept", accept));
      reject.addEventListener("click", () => answer(chat.id, "reject", reject));
      return h(
        "article",
        { class: "offer-card", "data-chat-id": chat.id, role: "alertdialog", "aria-label": `New chat from ${name}` },
        h("div", { class: "offer-head" }, h("strong", { class: "offer-name", text: name }), h("span", { class: "pill", text: chat.service || "" })),
        last ? h("p", { class: "offer-text", text: last }) : null,
        o.reason ? h("p", { class: "offer-why", text: o.reason }) : null,
        h(
          "div",
          { class: "offer-foot" },
          h("span", { class: "offer-countdown", "data-left": left ?? "", text: left === null ? "No time limit" : `${left}s to answer` }),
          reject,
          accept
        )
      );
    })
  );
}

async function answer(chatId, how, button) {
  button.disabled = true;
  try {
    await post(`/api/chats/${encodeURIComponent(chatId)}/${how}`);
    offers.delete(chatId);
    renderOffers();
    if (how === "accept") bus.emit("offer-accepted", { id: chatId });
  } catch (err) {
    offers.delete(chatId);
    renderOffers();
    handleError(err, how === "accept" ? "Could not accept the chat" : "Could not reject the chat");
  }
}

/** Re-reads the agent's offers (at start and after a reconnect). */
export async function loadOffers() {
  try {
    const res = await get("/api/offers");
    offers.clear();
    for (const o of (res && res.offers) || []) if (o.chat) offers.set(o.chat.id, o);
    renderOffers();
  } catch (err) {
    handleError(err, "Could not load your offers");
  }
}

stream.on("offer.created", (o) => {
  if (!o || !o.chat) return;
  const me = state.me;
  if (me && o.agent_id && me.id && o.agent_id !== me.id) return; // supervisors see everyone's
  offers.set(o.chat.id, o);
  renderOffers();
});
stream.on("offer.ended", (d) => {
  if (!d || !offers.has(d.chat_id)) return;
  offers.delete(d.chat_id);
  renderOffers();
  if (d.how === "timeout") toast("The chat offer timed out; you are now Not Ready (no answer).", "info");
  if (d.how === "withdrawn") toast("A chat offer was withdrawn.", "info");
});
setInterval(() => {
  for (const node of tray.querySelectorAll(".offer-card")) {
    const o = offers.get(node.dataset.chatId);
    const left = o && secondsLeft(o);
    const c = node.querySelector(".offer-countdown");
    if (left !== null && left !== undefined && c) {
      c.textContent = `${left}s to answer`;
      c.dataset.left = String(left);
      node.classList.toggle("urgent", left <= 5);
    }
  }
}, 1000);
