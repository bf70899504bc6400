// page-ui.js — what the supervisor's pages share: the toast and the live
// connection indicator.

const $ = (id) => document.getElementById(id);

/** Shows message in the page's #toast for five seconds. */
export function toast(message) {
  const t = $("toast");
  t.textContent = message;
  t.hidden = false;
  setTimeout(() => (t.hidden = true), 5000);
}

/** Shows the event stream's status in #conn-status (EventStream's onStatus). */
export function setConn(status) {
  const c = $("conn-status");
  c.dataset.state = status;
  c.querySelector(".conn-text").textContent = status === "live" ? "Live" : status === "reconnecting" ? "Reconnecting…" : "Connecting…";
}
