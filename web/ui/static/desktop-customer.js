// desktop-customer.js — the built-in part of the customer panel: picture,
// name, channel and a list of details about the open chat. Other modules
// add rows with addCustomerRows(fn) (fn returns [label, value, class?]
// tuples for the open chat) or mount their own sections into the
// #customer-extra slot (see desktop-state.js slots).
import { h } from "./dom.js";
import { el, state, CHAT_STATE_LABEL, customerName } from "./desktop-state.js";
import { ICON, channelLabel, fillAvatar, fmtDateTime, parseTime } from "./desktop-util.js";

const rowProviders = [];

// Below 1180 px the panel is a drawer over the page, opened by this
// button in the conversation's head (it never just disappears).
const toggle = h("button", {
  type: "button",
  id: "customer-toggle",
  class: "btn btn-secondary customer-toggle",
  "aria-controls": "customer-panel",
  "aria-expanded": "false",
  text: "Customer",
});
el.convTitle.parentElement.after(toggle);
const desk = el.customerDetails.closest(".desktop");
function showPanel(on) {
  desk.classList.toggle("show-customer", on);
  toggle.setAttribute("aria-expanded", String(on));
}
toggle.addEventListener("click", () => showPanel(!desk.classList.contains("show-customer")));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && desk.classList.contains("show-customer")) showPanel(false);
});

/** Adds rows to the details list; fn(chat) → [[label, value, class?], …]. */
export function addCustomerRows(fn) {
  rowProviders.push(fn);
}

export function renderCustomer() {
  const chat = state.chats.get(state.current);
  el.customerPic.closest(".customer-panel").classList.toggle("is-empty", !chat);
  if (!chat) {
    el.customerPic.replaceChildren();
    el.customerPic.innerHTML = ICON.person;
    el.customerPic.style.removeProperty("--avatar-hue");
    el.customerName.textContent = "No customer";
    el.customerChannel.textContent = "Open a chat to see who you're talking to.";
    el.customerDetails.replaceChildren();
    return;
  }
  const name = customerName(chat);
  fillAvatar(el.customerPic, name, chat.customer && chat.customer.profile_pic);
  el.customerName.textContent = name;
  el.customerChannel.replaceChildren(h("span", { class: "channel-dot", "aria-hidden": "true" }), channelLabel(chat));
  const count = state.messages.get(chat.id)?.size || 0;
  const rows = [
    ["Service", chat.service || "—"],
    ["Status", CHAT_STATE_LABEL[chat.state] || chat.state],
    ["Started", parseTime(chat.created_at) ? fmtDateTime.format(parseTime(chat.created_at)) : "—"],
    ["Assigned", parseTime(chat.assigned_at) ? fmtDateTime.format(parseTime(chat.assigned_at)) : "—"],
    ["Messages", String(count)],
    ["Chat ID", chat.id, "mono"],
  ];
  for (const fn of rowProviders) {
    try {
      rows.push(...(fn(chat) || []));
    } catch (err) {
      console.error("parley: customer rows", err);
    }
  }
  el.customerDetails.replaceChildren(
    ...rows.flatMap(([k, v, cls]) => [h("dt", { text: k }), h("dd", { class: cls, text: v, title: cls ? v : null })])
  );
}
