// desktop-presence.js — the top bar: who is logged in, their status menu
// (Ready, Not Ready with a reason, Offline), the connection indicator and
// Log out.
import { get, post, put, isUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { bus, el, state, STATE_LABEL, CURRENT_KEY, connected, customerName } from "./desktop-state.js";
import { fillAvatar, handleError } from "./desktop-util.js";
import { renderTranscript } from "./desktop-transcript.js";
import { stream } from "./desktop-stream.js";

let reasons = []; // the Not Ready reasons of the routing directory

export function renderMe() {
  const me = state.me;
  if (!me) return;
  el.agentName.textContent = me.display_name || me.username;
  el.agentRole.textContent = me.role || "";
  fillAvatar(el.agentAvatar, me.display_name || me.username, "");
  const s = me.state || "offline";
  el.stateToggle.dataset.state = s;
  el.stateToggle.querySelector(".state-text").textContent = STATE_LABEL[s] || s;
  el.stateToggle.setAttribute("aria-pressed", String(s === "ready"));
  el.stateToggle.title = s === "ready" ? "You receive new chats. Click to stop." : "Click to become Ready and receive chats.";
  if (!state.current) renderTranscript();
  el.chatHint.innerHTML =
    s === "ready"
      ? "You're <strong>Ready</strong>. New conversations will appear here."
      : "Set yourself <strong>Ready</strong> to receive conversations.";
  renderStatus();
}

/** Merges a changed profile or status of the agent and redraws. */
export function setMe(user) {
  state.me = { ...(state.me || {}), ...user };
  renderMe();
  bus.emit("me", { me: state.me });
}

el.stateToggle.addEventListener("click", async () => {
  const next = state.me && state.me.state === "ready" ? "not_ready" : "ready";
  el.stateToggle.disabled = true;
  try {
    setMe(await put("/api/me/state", { state: next }));
  } catch (err) {
    handleError(err, "Could not change your state");
  } finally {
    el.stateToggle.disabled = false;
  }
});

// ---------------------------------------------------------------- status menu

const status = h("select", { id: "status-select", class: "status-select", "aria-label": "Your status", title: "Your status" });
el.stateToggle.before(status);
// The menu covers Ready, Not Ready with its reasons and Offline: one
// control for availability, so the plain toggle steps aside.
el.stateToggle.hidden = true;
status.addEventListener("change", async () => {
  const [next, reason = ""] = status.value.split("|");
  status.disabled = true;
  try {
    setMe(await put("/api/me/status", { state: next, reason }));
  } catch (err) {
    handleError(err, "Could not change your status");
  } finally {
    status.disabled = false;
  }
});

/** The Not Ready reasons to offer in the menu. */
export function setReasons(list) {
  reasons = list || [];
  renderStatus();
}

function renderStatus() {
  // Until the profile is loaded the menu shows nothing and says no state:
  // a guessed "Offline" could be chosen back by a click.
  status.disabled = !state.me;
  if (!state.me) {
    delete status.dataset.state;
    return;
  }
  const me = state.me;
  const opts = [["ready", "Ready"]];
  for (const r of reasons) opts.push([`not_ready|${r}`, `Not ready · ${r}`]);
  opts.push(["not_ready", "Not ready"], ["offline", "Offline"]);
  const value = me.state === "not_ready" && me.reason ? `not_ready|${me.reason}` : me.state;
  if (me.state === "not_ready" && me.reason && !opts.some(([v]) => v === value)) opts.push([value, `Not ready · ${me.reason}`]);
  if (me.state === "acw") opts.unshift(["acw", "After chat work"]);
  status.replaceChildren(...opts.map(([v, label]) => h("option", { value: v, text: label, disabled: v === "acw" })));
  status.value = value || "offline";
  status.dataset.state = me.state || "offline";
}

// ---------------------------------------------------------------- connection

const CONN = {
  live: ["Live", "Receiving updates in real time"],
  reconnecting: ["Reconnecting…", "The connection dropped; trying again. Nothing is lost: what you missed arrives when it is back."],
  offline: ["Offline", "This computer has no network. The page catches up by itself when it is back."],
  connecting: ["Connecting…", "Trying to reach the server"],
};

function setConn(s) {
  const [text, title] = CONN[s] || CONN.connecting;
  el.conn.dataset.state = s;
  el.conn.querySelector(".conn-text").textContent = text;
  el.conn.title = title;
  document.body.classList.toggle("is-disconnected", s !== "live");
}
bus.on("connection", ({ status: s }) => setConn(s));

// ---------------------------------------------------------------- log out

// Logging out hands open chats back to the queue: say so first, naming them.
const logoutDialog = h("dialog", { id: "logout-dialog", class: "routing-dialog", "aria-labelledby": "logout-title" });
document.body.append(logoutDialog);

function confirmLogout(open) {
  return new Promise((resolve) => {
    const stay = h("button", { type: "button", class: "btn btn-ghost", id: "logout-cancel", text: "Stay" });
    const go = h("button", { type: "button", class: "btn btn-primary", id: "logout-confirm", text: "Log out anyway" });
    logoutDialog.replaceChildren(
      h(
        "div",
        { class: "routing-form" },
        h("h2", { id: "logout-title", text: `You have ${open.length} open chat${open.length === 1 ? "" : "s"}` }),
        h("p", { text: "If you log out now they go back to the queue for a colleague, with their place kept:" }),
        h("ul", { class: "logout-chats" }, ...open.map((c) => h("li", { text: customerName(c) }))),
        h("div", { class: "routing-actions" }, stay, go)
      )
    );
    const done = (ok) => {
      logoutDialog.close();
      resolve(ok);
    };
    stay.addEventListener("click", () => done(false));
    go.addEventListener("click", () => done(true));
    logoutDialog.addEventListener("cancel", () => resolve(false), { once: true });
    logoutDialog.showModal();
    stay.focus();
  });
}

el.logout.addEventListener("click", async () => {
  const open = [...state.chats.values()].filter((c) => connected(c) && state.me && c.agent_id === state.me.id);
  if (open.length && !(await confirmLogout(open))) return;
  el.logout.disabled = true;
  try {
    await post("/api/logout");
  } catch (err) {
    if (!isUnauthorized(err)) {
      el.logout.disabled = false;
      handleError(err, "Could not log out");
      return;
    }
  }
  stream.close();
  sessionStorage.removeItem(CURRENT_KEY);
  location.assign("/login");
});

stream.on("agent.state", (user) => {
  // Only the agent's own changes, once their profile is known (loading it
  // brings the current state anyway).
  if (!user || !state.me || user.id !== state.me.id) return;
  setMe(user);
});

/** Reads the agent's profile from the server. */
export async function loadMe() {
  state.me = await get("/api/me");
  renderMe();
}
