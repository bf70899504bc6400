// desk-customer-panel.js — the customer panel's own sections: what the
// scenario collected, editable contact fields, notes from earlier chats
// and the earlier chats themselves, each opening its full transcript read
// only (GET /api/chats/{id}/transcript: an agent may read the earlier
// chats of a customer she is serving now).
import { get, put } from "./api.js";
import { h } from "./dom.js";
import { bus, slots, state } from "./desktop-state.js";
import { addCustomerRows, renderCustomer } from "./desktop-customer.js";
import { CHANNEL_LABEL } from "./desktop-util.js";

// Shown elsewhere in the panel, or routing's own bookkeeping. (first_name
// and last_name stay: canned responses use them, the tooltip names them.)
const HIDDEN_VARS = new Set(["chat_id", "psid", "page_id", "page_username", "page_name", "channel", "entry", "customer_name", "service", "destination", "queue_position", "queue_length", "estimated_wait", "returning_customer", "required_skills"]);
const fmtWhen = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

let panel = null; // {chatId, data: CustomerPanel}

const collected = h("section", { id: "customer-vars", class: "desk-section", hidden: true });
const contact = h("section", { id: "customer-contact", class: "desk-section", hidden: true });
const history = h("section", { id: "customer-history", class: "desk-section", hidden: true });
slots.customerExtra.prepend(collected, contact, history);

addCustomerRows((chat) => {
  if (!panel || panel.chatId !== chat.id) return [];
  const d = panel.data;
  return [["Channel", CHANNEL_LABEL[d.channel] || d.channel]];
});

function when(v) {
  const d = v ? new Date(v) : null;
  return d && d.getFullYear() > 1970 ? fmtWhen.format(d) : "";
}

function renderCollected(d) {
  // The chat's own variables are live (chat updates carry them); the
  // panel's are what the customer endpoint saw when the chat opened.
  const live = state.chats.get(state.current)?.vars;
  const entries = Object.entries({ ...(d.vars || {}), ...(live || {}) }).filter(([k, v]) => v !== "" && !HIDDEN_VARS.has(k));
  entries.sort(([a], [b]) => a.localeCompare(b));
  collected.hidden = !entries.length;
  collected.replaceChildren(
    h("h3", { class: "desk-title", text: "Collected by the scenario" }),
    h("dl", { class: "details" }, ...entries.flatMap(([k, v]) => [h("dt", { text: k.replaceAll("_", " "), title: `$(${k})` }), h("dd", { text: v, title: v, "data-var": k })]))
  );
}

function renderContact(chatId, d) {
  const c = d.contact || { email: "", phone: "", fields: {} };
  const email = h("input", { id: "contact-email", type: "email", value: c.email || "", autocomplete: "off" });
  const phone = h("input", { id: "contact-phone", type: "tel", value: c.phone || "", autocomplete: "off" });
  const fields = h("textarea", {
    id: "contact-fields",
    rows: "2",
    placeholder: "plan: Gold",
  });
  fields.value = Object.entries(c.fields || {})
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  const msg = h("p", { class: "form-error", role: "alert", hidden: true });
  const ok = h("span", { class: "muted", role: "status" });
  const form = h(
    "form",
    { class: "contact-form", autocomplete: "off" },
    h("label", { for: "contact-email", text: "Email" }),
    email,
    h("label", { for: "contact-phone", text: "Phone" }),
    phone,
    h("label", { for: "contact-fields", text: "Other fields" }),
    fields,
    msg,
    h("div", { class: "wrapup-actions" }, h("button", { class: "btn btn-secondary", type: "submit", text: "Save contact" }), ok)
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const extra = {};
    for (const line of fields.value.split("\n")) {
      const i = line.indexOf(":");
      if (i > 0) extra[line.slice(0, i).trim().toLowerCase().replaceAll(" ", "_")] = line.slice(i + 1).trim();
    }
    try {
      const saved = await put(`/api/chats/${encodeURIComponent(chatId)}/customer/contact`, { email: email.value, phone: phone.value, fields: extra });
      if (panel && panel.chatId === chatId) panel.data.contact = saved;
      ok.textContent = "Saved";
    } catch (err) {
      msg.textContent = err.message;
      msg.hidden = false;
    }
  });
  contact.hidden = false;
  contact.replaceChildren(h("h3", { class: "desk-title", text: "Contact" }), form);
}

/** replaceChildren without the null and undefined children. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

function renderHistory(d) {
  const earlier = d.earlier_chats || [];
  const noted = earlier.filter((e) => e.notes || e.disposition);
  history.hidden = false;
  fill(
    history,
    h("h3", { class: "desk-title", text: "Earlier chats" }),
    earlier.length
      ? h(
          "ul",
          { class: "history-list" },
          ...earlier.map((e) =>
            h(
              "li",
              {},
              h("a", {
                href: `/desktop?chat=${encodeURIComponent(e.id)}`,
                class: "history-link",
                "data-chat": e.id,
                text: `${when(e.created_at)}${e.service ? ` · ${e.service}` : ""}`,
                onclick: (ev) => {
                  ev.preventDefault();
                  openTranscript(e.id);
                },
              }),
              e.disposition ? h("span", { class: "history-disp", text: e.disposition }) : null,
              e.last ? h("span", { class: "history-last muted", text: `“${e.last}”` }) : null
            )
          )
        )
      : h("p", { class: "muted", text: "No earlier chats with this customer." }),
    noted.length ? h("h3", { class: "desk-title", text: "Notes from earlier chats" }) : null,
    ...noted.map((e) =>
      h(
        "blockquote",
        { class: "history-note" },
        h("span", { class: "muted", text: `${when(e.created_at)}${e.notes_by ? ` · ${e.notes_by}` : ""}${e.disposition ? ` · ${e.disposition}` : ""}` }),
        e.notes ? h("p", { text: e.notes }) : null
      )
    )
  );
}

async function load(chatId) {
  if (!chatId) {
    panel = null;
    collected.hidden = contact.hidden = history.hidden = true;
    return;
  }
  try {
    const data = await get(`/api/chats/${encodeURIComponent(chatId)}/customer`);
    if (state.current !== chatId) return;
    panel = { chatId, data };
    renderCollected(data);
    renderContact(chatId, data);
    renderHistory(data);
    renderCustomer();
  } catch {
    panel = null;
    collected.hidden = contact.hidden = history.hidden = true;
  }
}

// ---------------------------------------------------------------- read-only transcript

const dialog = h("dialog", { id: "history-dialog", class: "routing-dialog history-dialog", "aria-labelledby": "history-title" });
document.body.append(dialog);

const SENDER = { customer: "Customer", bot: "Bot", agent: "Agent", system: "Note", page: "Page" };

/** Opens a chat's full transcript, read only, in a dialog. */
export async function openTranscript(chatId) {
  let t;
  try {
    t = await get(`/api/chats/${encodeURIComponent(chatId)}/transcript`);
  } catch (err) {
    dialog.replaceChildren(
      h("h2", { id: "history-title", text: "Earlier chat" }),
      h("p", { class: "form-error", role: "alert", text: err.message }),
      h("div", { class: "routing-actions" }, h("button", { class: "btn btn-secondary", type: "button", text: "Close", onclick: () => dialog.close() }))
    );
    if (!dialog.open) dialog.showModal();
    return;
  }
  const w = t.wrapup && t.wrapup.wrapup;
  fill(
    dialog,
    h(
      "div",
      { class: "history-head" },
      h("h2", { id: "history-title", text: `${t.chat.customer.name} · ${when(t.chat.created_at)}` }),
      t.read_only ? h("span", { class: "history-ro", text: "Read only" }) : null
    ),
    h("p", { class: "muted", text: [t.chat.service, t.chat.state].filter(Boolean).join(" · ") }),
    h(
      "ol",
      { class: "history-transcript", "aria-label": "Transcript" },
      ...t.messages
        .filter((m) => m.kind !== "action")
        .map((m) =>
        h(
          "li",
          { class: `history-msg from-${m.sender}` },
          h("span", { class: "history-who", text: m.agent_name || SENDER[m.sender] || m.sender }),
          h("span", { class: "history-text", text: m.text }),
          h("time", { class: "muted", text: when(m.created_at) })
        )
      )
    ),
    w && (w.disposition || w.notes)
      ? h("p", { class: "history-wrapup" }, h("strong", { text: "Wrap-up: " }), [w.disposition, w.notes].filter(Boolean).join(" — "))
      : null,
    h("div", { class: "routing-actions" }, h("button", { class: "btn btn-secondary", type: "button", text: "Close", onclick: () => dialog.close() }))
  );
  if (!dialog.open) dialog.showModal();
}

bus.on("chat-selected", ({ id }) => load(id));
bus.on("chat-accepted", ({ id }) => id === state.current && load(id));
bus.on("chat-updated", ({ id }) => panel && panel.chatId === id && id === state.current && renderCollected(panel.data));
