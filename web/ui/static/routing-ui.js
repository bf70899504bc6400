// routing-ui.js — the Agent Desktop's routing controls: offers with Accept,
// Reject and a countdown; the Ready / Not Ready (with reason) menu; and the
// Transfer and Invite (conference) dialogs of the open chat.
//
// desktop.js owns the page state and calls routingUI() once with a few
// accessors; everything here talks to the JSON API and the event stream.
import { get, post, put } from "./api.js";
import { h } from "./dom.js";


/**
 * @param {{
 *   stream: import("./events.js").EventStream,
 *   current: () => string | null,
 *   chat: (id: string) => any,
 *   me: () => any,
 *   onMe: (user: any) => void,
 *   toast: (msg: string, kind?: string) => void,
 *   handleError: (err: Error, what: string) => void,
 * }} app
 */
export function routingUI(app) {
  const offers = new Map(); // chat id → offer
  let directory = { agents: [], services: [], reasons: [] };

  // ------------------------------------------------------------ offers

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
        const last = chat.last_message ? chat.last_message.text : "";
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
    } catch (err) {
      offers.delete(chatId);
      renderOffers();
      app.handleError(err, how === "accept" ? "Could not accept the chat" : "Could not reject the chat");
    }
  }

  async function loadOffers() {
    try {
      const res = await get("/api/offers");
      offers.clear();
      for (const o of (res && res.offers) || []) if (o.chat) offers.set(o.chat.id, o);
      renderOffers();
    } catch (err) {
      app.handleError(err, "Could not load your offers");
    }
  }

  app.stream.on("offer.created", (o) => {
    if (!o || !o.chat) return;
    const me = app.me();
    if (me && o.agent_id && me.id && o.agent_id !== me.id) return; // supervisors see everyone's
    offers.set(o.chat.id, o);
    renderOffers();
  });
  app.stream.on("offer.ended", (d) => {
    if (!d || !offers.has(d.chat_id)) return;
    offers.delete(d.chat_id);
    renderOffers();
    if (d.how === "timeout") app.toast("The chat offer timed out; you are now Not Ready (no answer).", "info");
    if (d.how === "withdrawn") app.toast("A chat offer was withdrawn.", "info");
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

  // ------------------------------------------------------------ status menu

  const toggle = document.getElementById("state-toggle");
  const status = h("select", { id: "status-select", class: "status-select", "aria-label": "Your status", title: "Your status" });
  toggle.before(status);
  // The menu covers Ready, Not Ready with its reasons and Offline: one
  // control for availability, so the plain toggle steps aside.
  toggle.hidden = true;
  status.addEventListener("change", async () => {
    const [state, reason = ""] = status.value.split("|");
    status.disabled = true;
    try {
      app.onMe(await put("/api/me/status", { state, reason }));
    } catch (err) {
      app.handleError(err, "Could not change your status");
    } finally {
      status.disabled = false;
    }
  });

  function renderStatus() {
    const me = app.me() || {};
    const opts = [["ready", "Ready"]];
    for (const r of directory.reasons || []) opts.push([`not_ready|${r}`, `Not ready · ${r}`]);
    opts.push(["not_ready", "Not ready"], ["offline", "Offline"]);
    let value = me.state === "not_ready" && me.reason ? `not_ready|${me.reason}` : me.state;
    if (me.state === "not_ready" && me.reason && !opts.some(([v]) => v === value)) opts.push([value, `Not ready · ${me.reason}`]);
    if (me.state === "acw") opts.unshift(["acw", "After chat work"]);
    status.replaceChildren(...opts.map(([v, label]) => h("option", { value: v, text: label, disabled: v === "acw" })));
    status.value = value || "offline";
    status.dataset.state = me.state || "offline";
  }

  // ------------------------------------------------------------ transfer and conference

  const head = document.getElementById("close-chat");
  const transferBtn = h("button", { id: "transfer-chat", type: "button", class: "btn btn-secondary", text: "Transfer", disabled: true });
  const inviteBtn = h("button", { id: "invite-agent", type: "button", class: "btn btn-secondary", text: "Invite", disabled: true });
  const group = h("div", { class: "conv-actions" });
  head.before(group);
  group.append(transferBtn, inviteBtn, head);

  const dialog = h("dialog", { id: "routing-dialog", class: "routing-dialog", "aria-labelledby": "routing-dialog-title" });
  document.body.append(dialog);

  function mine(chat) {
    const me = app.me();
    return chat && chat.state === "assigned" && me && (chat.agent_id === me.id || me.role !== "agent");
  }

  function render() {
    const chat = app.chat(app.current());
    transferBtn.disabled = !mine(chat);
    inviteBtn.disabled = !(chat && chat.state === "assigned");
    transferBtn.hidden = inviteBtn.hidden = !chat;
    renderStatus();
  }

  function option(value, label) {
    return h("option", { value, text: label });
  }

  function openDialog(kind) {
    const chatId = app.current();
    if (!chatId) return;
    const agents = directory.agents.map((a) => option(a.id, `${a.name} (${a.state === "ready" ? (a.present ? "ready" : "away") : a.state.replace("_", " ")})`));
    const form = h("form", { method: "dialog", class: "routing-form" });
    const title = h("h2", { id: "routing-dialog-title", text: kind === "transfer" ? "Transfer the chat" : "Invite a colleague" });
    const fields = [];
    let target;
    if (kind === "transfer") {
      target = h("select", { id: "transfer-target", name: "target", required: true },
        h("optgroup", { label: "Agents" }, ...directory.agents.map((a) => option(`agent:${a.id}`, a.name))),
        h("optgroup", { label: "Services (back to the queue, place kept)" }, ...directory.services.map((s) => option(`service:${s.id}`, s.name))));
      const note = h("textarea", { id: "transfer-note", name: "note", rows: "3", maxlength: "1000", placeholder: "A note for the next agent (optional)" });
      fields.push(h("label", { for: "transfer-target", text: "To" }), target, h("label", { for: "transfer-note", text: "Note" }), note);
    } else {
      target = h("select", { id: "invite-target", name: "agent", required: true }, ...agents);
      fields.push(h("label", { for: "invite-target", text: "Agent" }), target);
    }
    const error = h("p", { class: "routing-error", role: "alert", hidden: true });
    const cancel = h("button", { type: "button", class: "btn btn-ghost", text: "Cancel" });
    const submit = h("button", { type: "submit", class: "btn btn-primary", id: "routing-submit", text: kind === "transfer" ? "Transfer" : "Invite" });
    cancel.addEventListener("click", () => dialog.close());
    form.append(title, ...fields, error, h("div", { class: "routing-actions" }, cancel, submit));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      try {
        if (kind === "transfer") {
          const [type, id] = target.value.split(":");
          const note = form.querySelector("#transfer-note").value;
          await post(`/api/chats/${encodeURIComponent(chatId)}/transfer`, type === "agent" ? { agent_id: id, note } : { service_id: id, note });
          app.toast("Chat transferred.", "info");
        } else {
          await post(`/api/chats/${encodeURIComponent(chatId)}/invite`, { agent_id: target.value });
          app.toast("Colleague invited.", "info");
        }
        dialog.close();
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    dialog.replaceChildren(form);
    dialog.showModal();
  }

  transferBtn.addEventListener("click", async () => {
    await loadDirectory();
    openDialog("transfer");
  });
  inviteBtn.addEventListener("click", async () => {
    await loadDirectory();
    openDialog("invite");
  });

  async function loadDirectory() {
    try {
      directory = await get("/api/routing/directory");
    } catch (err) {
      app.handleError(err, "Could not load agents and services");
    }
    render();
  }

  app.stream.on("agent.state", () => render());

  return {
    render,
    async start() {
      await Promise.all([loadDirectory(), loadOffers()]);
    },
    resync: loadOffers,
  };
}
