// desktop-newchat.js — New chat: start a chat to a known customer of a
// service's outbound chat account (POST /api/chats), within the channel's
// messaging policy. Reuses the Transfer dialog's look (routing-*).
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { upsertChat } from "./desktop-state.js";
import { handleError, toast } from "./desktop-util.js";
import { openChat } from "./desktop-conversation.js";

const newBtn = h("button", { id: "new-chat", type: "button", class: "btn btn-secondary btn-sm", text: "New chat", hidden: true });
document.querySelector(".sidebar .pane-head").append(newBtn);

const dialog = h("dialog", { id: "new-chat-dialog", class: "routing-dialog", "aria-labelledby": "new-chat-title" });
document.body.append(dialog);

let services = [];

/** Shows New chat when the agent has a service to start chats from. */
async function loadServices() {
  try {
    services = (await get("/api/outbound-services")).services || [];
  } catch (err) {
    handleError(err, "Could not load the services for new chats");
  }
  newBtn.hidden = services.length === 0;
}

function since(iso) {
  if (!iso) return "never wrote";
  const mins = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
  if (mins < 60) return `wrote ${mins} min ago`;
  if (mins < 48 * 60) return `wrote ${Math.round(mins / 60)} h ago`;
  return `wrote ${Math.round(mins / 1440)} days ago`;
}

/** A client_id for the start, so a retried POST makes one chat. */
function startKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** What the dialog says of a customer: whether they can be written to. */
function status(c) {
  if (c.open_chat) return "has an open chat";
  if (!c.reachable) return c.refusal;
  return c.reach && c.reach.state === "human_agent" ? "reachable (human agent message)" : "reachable";
}

async function openDialog() {
  await loadServices();
  if (!services.length) return;
  let picked = null;
  const service = h("select", { id: "new-chat-service", required: true }, ...services.map((s) => h("option", { value: s.id, text: `${s.name} (${s.account_name})` })));
  const search = h("input", { id: "new-chat-search", type: "search", placeholder: "Customer's name", autocomplete: "off" });
  const list = h("ul", { id: "new-chat-customers", class: "new-chat-customers" });
  const text = h("textarea", { id: "new-chat-text", rows: "3", maxlength: "1999", required: true, placeholder: "The first message" });
  const error = h("p", { class: "routing-error", role: "alert", hidden: true });
  const cancel = h("button", { type: "button", class: "btn btn-ghost", text: "Cancel" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "new-chat-start", text: "Start", disabled: true });
  const form = h("form", { method: "dialog", class: "routing-form" });
  const showError = (msg) => {
    error.textContent = msg;
    error.hidden = !msg;
  };

  let asked = 0;
  async function find() {
    const n = ++asked;
    try {
      const q = new URLSearchParams({ service_id: service.value, q: search.value.trim() });
      const found = (await get(`/api/customers?${q}`)).customers || [];
      if (n !== asked) return; // a newer search is on its way
      // A pick survives a search that still finds the customer reachable
      // (the answer to a search typed before the click may come after it).
      if (!found.some((c) => c.id === picked && c.reachable && !c.open_chat)) picked = null;
      submit.disabled = !picked;
      list.replaceChildren(
        ...found.map((c) => {
          const ok = c.reachable && !c.open_chat;
          const item = h(
            "li",
            {},
            h("button", { type: "button", class: c.id === picked ? "new-chat-customer selected" : "new-chat-customer", "data-id": c.id, disabled: !ok }, h("strong", { text: c.name }), h("span", { text: ` · ${since(c.last_message_at)} · ${status(c)}` }))
          );
          item.firstChild.addEventListener("click", () => {
            picked = c.id;
            list.querySelectorAll(".new-chat-customer").forEach((b) => b.classList.toggle("selected", b === item.firstChild));
            submit.disabled = false;
          });
          return item;
        })
      );
      if (!found.length) list.append(h("li", { class: "empty-text", text: "No customer found." }));
      showError("");
    } catch (err) {
      showError(err.message);
    }
  }
  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(find, 250);
  });
  service.addEventListener("change", find);
  cancel.addEventListener("click", () => dialog.close());

  form.append(
    h("h2", { id: "new-chat-title", text: "Start a chat" }),
    h("label", { for: "new-chat-service", text: "Service" }),
    service,
    h("label", { for: "new-chat-search", text: "Customer" }),
    search,
    list,
    h("label", { for: "new-chat-text", text: "Message" }),
    text,
    error,
    h("div", { class: "routing-actions" }, cancel, submit)
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!picked) return;
    submit.disabled = true;
    try {
      const chat = await post("/api/chats", { service_id: service.value, customer_id: picked, text: text.value, client_id: startKey() });
      dialog.close();
      upsertChat(chat);
      await openChat(chat.id);
      toast("Chat started.", "info");
    } catch (err) {
      showError(err.message);
      submit.disabled = false;
    }
  });
  dialog.replaceChildren(form);
  dialog.showModal();
  find();
}

newBtn.addEventListener("click", openDialog);
loadServices();
