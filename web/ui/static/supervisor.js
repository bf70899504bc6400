// supervisor.js — the Supervisor page: queues, agents and open chats with
// the routing decision behind each one ("why did this chat go to Bob"),
// kept live by the event stream, with a priority override per chat.
import { get, put, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
let view = null;


function toast(message) {
  const t = $("toast");
  t.textContent = message;
  t.hidden = false;
  setTimeout(() => (t.hidden = true), 5000);
}

// The server's clock may differ from the browser's: waits count from its "now".
let skew = 0;
function since(iso) {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((Date.now() + skew - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const STATE = { ready: "Ready", not_ready: "Not ready", offline: "Offline", acw: "After chat work", busy: "Busy" };
const STRATEGY = { longest_idle: "Longest idle", least_busy: "Least busy", most_skilled: "Most skilled" };

function agentName(id) {
  const a = view && view.agents.find((x) => x.id === id);
  return a ? a.display_name : id ? "another agent" : "—";
}

function renderQueues() {
  $("queues").tBodies[0].replaceChildren(
    ...view.queues.map((q) =>
      h(
        "tr",
        { "data-service": q.name },
        h("th", { scope: "row", text: q.name }),
        h("td", { text: `${STRATEGY[q.strategy] || q.strategy}${q.auto_accept ? " · auto-accept" : " · offers"}` }),
        h("td", { class: "num queue-waiting", text: String(q.waiting) }),
        h("td", { class: "num", text: String(q.offered) }),
        h("td", { class: "num wait", "data-since": q.oldest_queued_at || "", text: since(q.oldest_queued_at) }),
        h("td", { class: "num", text: `${q.agents_ready} / ${q.agents_logged_in}` })
      )
    )
  );
}

// renderTeamFilter offers the agents' teams (values "team:NAME", and
// "none" for the agents in no team), keeping the choice made.
function renderTeamFilter() {
  const sel = $("team-filter");
  const chosen = sel.value;
  const teams = [...new Set(view.agents.map((a) => a.team).filter(Boolean))].sort();
  const options = [h("option", { value: "", text: "All teams" }), ...teams.map((t) => h("option", { value: `team:${t}`, text: t }))];
  if (view.agents.some((a) => !a.team)) options.push(h("option", { value: "none", text: "No team" }));
  sel.replaceChildren(...options);
  sel.value = [...sel.options].some((o) => o.value === chosen) ? chosen : "";
}

function renderAgents() {
  renderTeamFilter();
  const team = $("team-filter").value;
  const shown = view.agents.filter((a) => team === "" || (team === "none" ? !a.team : `team:${a.team}` === team));
  $("agents-empty").hidden = shown.length > 0;
  $("agents").tBodies[0].replaceChildren(
    ...shown.map((a) => {
      const full = a.state === "ready" && (a.load || 0) + (a.offers || 0) >= a.capacity;
      const state = full ? "busy" : a.state;
      const skills = Object.entries(a.skills || {}).sort().map(([k, v]) => `${k} ${v}`).join(", ");
      return h(
        "tr",
        { "data-agent": a.username, "data-team": a.team || "" },
        h("th", { scope: "row", text: a.display_name }),
        h("td", { class: "agent-team", text: a.team || "—" }),
        h("td", {}, h("span", { class: `pill state-${state}`, text: STATE[state] || state }), a.reason ? h("span", { class: "reason", text: ` ${a.reason}` }) : null),
        h("td", { text: a.present ? "Connected" : "Away" }),
        h("td", { class: "num agent-load", text: `${a.load || 0}${a.offers ? ` (+${a.offers} offered)` : ""} / ${a.capacity}` }),
        h("td", { text: skills || "—" })
      );
    })
  );
}

function why(c) {
  const d = c.decision;
  if (!d) return h("span", { class: "muted", text: c.state === "queued" ? "Waiting for an eligible agent" : "—" });
  const det = h("details", { class: "why" }, h("summary", { text: d.reason }));
  const list = h("ol", { class: "candidates" });
  for (const k of d.candidates || []) {
    const bits = [`${k.name}: ${k.load}/${k.capacity} chats`];
    if (k.skill) bits.push(`skill ${k.skill}`);
    if (k.idle_since) bits.push(`idle since ${new Date(k.idle_since).toLocaleTimeString()}`);
    if (k.declined) bits.push("declined it");
    list.append(h("li", { class: k.agent_id === d.agent_id ? "winner" : "", text: bits.join(" · ") }));
  }
  det.append(
    h("p", { text: `Strategy ${STRATEGY[d.strategy] || d.strategy}; ${d.eligible} eligible agent(s); priority ${d.priority}; decided ${new Date(d.at).toLocaleTimeString()}.` }),
    list
  );
  return det;
}

function priorityCell(c) {
  const input = h("input", { type: "number", min: "-100", max: "100", value: String(c.priority), class: "prio-input", "aria-label": "Priority", "data-chat-id": c.id });
  const btn = h("button", { type: "button", class: "btn btn-secondary btn-sm prio-set", text: "Set" });
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      await put(`/api/chats/${encodeURIComponent(c.id)}/priority`, { priority: Number(input.value) });
      refreshSoon();
    } catch (err) {
      toast(`Could not change the priority: ${err.message}`);
    } finally {
      btn.disabled = false;
    }
  });
  return h("td", { class: "prio" }, input, btn);
}

function renderChats() {
  const rows = view.chats.map((c) => {
    let agent = agentName(c.agent_id);
    if (c.offered_to) agent = `${agentName(c.offered_to)} (offered, ${since(c.offer_expires_at).replace(/^/, "")})`;
    if (c.participants && c.participants.length) agent += ` + ${c.participants.map(agentName).join(", ")}`;
    return h(
      "tr",
      { "data-chat-id": c.id, "data-state": c.state },
      h("th", { scope: "row" }, h("a", { class: "monitor-link", href: `/monitor/${encodeURIComponent(c.id)}`, title: "Monitor this chat", text: (c.customer && c.customer.name) || "Customer" })),
      h("td", { text: c.service || "—" }),
      h("td", {}, h("span", { class: `pill pill-${c.state}`, text: c.offered_to ? "offered" : c.state })),
      h("td", { class: "chat-agent", text: c.state === "queued" && !c.offered_to ? "—" : agent }),
      priorityCell(c),
      h("td", { class: "num wait", "data-since": c.queued_at || "", text: c.state === "queued" ? since(c.queued_at) : "—" }),
      h("td", { class: "why-cell" }, why(c), c.note ? h("p", { class: "note", text: `Note: ${c.note}` }) : null)
    );
  });
  $("chats").tBodies[0].replaceChildren(...rows);
  $("chats-empty").hidden = rows.length > 0;
}

// renderChannels shows each page's token and webhook subscription, so a
// supervisor sees a dead channel before customers notice.
function renderChannels(channels) {
  const badge = (ok, good, bad) => h("span", { class: `pill ${ok ? "pill-ok" : "pill-bad"}`, text: ok ? good : bad });
  $("channels").tBodies[0].replaceChildren(
    ...channels.map((c) => {
      const hl = c.health;
      const subscribed = hl ? badge(hl.subscribed, hl.resubscribed ? "Re-subscribed" : "Subscribed", "Not subscribed") : h("span", { class: "muted", text: "Not checked" });
      return h(
        "tr",
        { "data-page": c.page_id, "data-active": String(c.active) },
        h("th", { scope: "row", text: c.page_username ? `${c.name} (@${c.page_username})` : c.name }),
        h("td", {}, badge(c.active && (!hl || hl.token_ok), "Active", "Inactive")),
        h("td", {}, subscribed),
        h("td", { class: "num wait", "data-since": hl ? hl.checked_at : "", text: hl ? `${since(hl.checked_at)} ago` : "—" }),
        h("td", { text: c.status_reason || (hl && hl.error) || "—" })
      );
    })
  );
}

async function refresh() {
  try {
    const [v, health] = await Promise.all([get("/api/supervisor"), get("/api/channels/health")]);
    view = v;
    renderChannels(health.channels || []);
    skew = new Date(view.now).getTime() - Date.now();
    renderQueues();
    renderAgents();
    renderChats();
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (isUnauthorized(err)) location.assign("/login?next=/supervisor");
    else toast(`Could not load the view: ${err.message}`);
  }
}

$("team-filter").addEventListener("change", () => view && renderAgents());

let timer = 0;
function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 250);
}

function setConn(status) {
  const c = $("conn-status");
  c.dataset.state = status;
  c.querySelector(".conn-text").textContent = status === "live" ? "Live" : status === "reconnecting" ? "Reconnecting…" : "Connecting…";
}

const stream = new EventStream("/api/events", { onStatus: setConn, onReconnect: refresh });
for (const type of ["chat.assigned", "chat.updated", "chat.closed", "agent.state", "offer.created", "offer.ended", "chat.transferred", "chat.conference", "chat.abandoned"]) {
  stream.on(type, refreshSoon);
}
// Waits tick every second without a round trip.
setInterval(() => {
  for (const td of document.querySelectorAll("td.wait[data-since]")) {
    if (!td.dataset.since) continue;
    td.textContent = td.closest("#channels") ? `${since(td.dataset.since)} ago` : since(td.dataset.since);
  }
}, 1000);
// Presence has no events (it would be one per agent every few seconds).
setInterval(refresh, 10000);

refresh();
stream.start();
