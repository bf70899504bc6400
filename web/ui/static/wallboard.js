// wallboard.js — the live floor: each service's queue and today's figures
// and each agent's state, pushed by the server as "wallboard" events on
// /api/wallboard/stream (the board is computed on the server from the
// same aggregates as the reports). Colours come from the levels the
// server computed against the service's thresholds. Admins edit the
// thresholds in the form below the board.
import { get, post, put, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
let board = null;
let skew = 0;

const STATE = { ready: "Ready", not_ready: "Not ready", offline: "Offline", acw: "After chat work", busy: "Busy" };
const CHANNEL = { messenger: "M", telegram: "T", line: "L", viber: "V", vonage: "SMS", webchat: "W" };
const FIGURES = [
  ["offered", "Offered"], ["answered", "Answered"], ["abandoned", "Abandoned"], ["short_abandoned", "Short abandoned"],
  ["asa", "ASA (s)"], ["first_response", "First response (s)"], ["aht", "AHT (s)"], ["over_limit", "Over limit"],
  ["transfers", "Transfers"], ["csat", "CSAT %"],
];

function toast(message) {
  const t = $("toast");
  t.textContent = message;
  t.hidden = false;
  setTimeout(() => (t.hidden = true), 5000);
}

function since(iso) {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((Date.now() + skew - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function card(label, value, level, extra) {
  return h("div", { class: `wb-figure level-${level || "ok"}`, "data-level": level || "ok" },
    h("span", { class: "wb-label", text: label }), h("span", { class: "wb-value", text: value }), extra || null);
}

function renderServices() {
  $("wb-services").replaceChildren(
    ...board.services.map((s) => {
      const lv = s.levels || {};
      const worst = ["alert", "warn"].find((l) => Object.values(lv).includes(l)) || "ok";
      const agents = Object.entries(s.agents_by_state || {}).sort().map(([k, v]) => `${STATE[k] || k} ${v}`).join(" · ") || "no agents";
      return h("article", { class: `wb-service level-${worst}`, "data-service": s.name, "data-level": worst },
        h("header", { class: "wb-service-head" }, h("h3", { text: s.name }), h("span", { class: "muted", text: agents })),
        h("div", { class: "wb-grid" },
          card("Waiting", String(s.waiting), lv.waiting),
          card("Longest wait", s.oldest_queued_at ? since(s.oldest_queued_at) : "—", lv.longest_wait, null),
          card(`Service level today (target ${s.thresholds.service_level_target}%)`, pct(s.today.service_level), lv.service_level_today),
          card("Service level last 30 min", pct(s.service_level_30m), lv.service_level_30m),
          card("Abandoned today", s.today.abandoned, s.today.abandoned !== "0" ? "warn" : "ok"),
          card("Active chats", String(s.active), "ok")),
        h("dl", { class: "wb-today" }, ...FIGURES.flatMap(([k, label]) => [h("dt", { text: label }), h("dd", { "data-figure": k, text: s.today[k] })])));
    })
  );
  for (const el of document.querySelectorAll(".wb-service")) {
    const s = board.services.find((x) => x.name === el.dataset.service);
    const wait = el.querySelectorAll(".wb-figure")[1];
    if (s && s.oldest_queued_at) wait.dataset.since = s.oldest_queued_at;
  }
}

const pct = (v) => (v === "—" ? "—" : `${v}%`);

function renderAgents() {
  $("wb-agents").tBodies[0].replaceChildren(
    ...board.agents.map((a) =>
      h("tr", { "data-agent": a.name },
        h("th", { scope: "row", text: a.name }),
        h("td", {}, h("span", { class: `pill state-${a.state}`, text: STATE[a.state] || a.state }), a.reason ? h("span", { class: "reason", text: ` ${a.reason}` }) : null),
        h("td", { class: "num wait", "data-since": a.state_since || "", text: since(a.state_since) }),
        h("td", {}, ...(a.channels || []).map((c) => h("span", { class: `chan chan-${c}`, title: c, text: CHANNEL[c] || c }))),
        h("td", { class: "num", text: String(a.active) }),
        h("td", { class: "num", text: a.completed_today }),
        h("td", { class: "num wait", "data-since": a.last_change || "", "data-ago": "1", text: a.last_change ? `${since(a.last_change)} ago` : "—" }))
    )
  );
}

function render(b) {
  board = b;
  skew = new Date(b.now).getTime() - Date.now();
  $("wb-today").textContent = `today since ${new Date(b.today).toLocaleString()} (${b.time_zone})`;
  renderServices();
  renderAgents();
  document.body.dataset.loaded = "true";
}

function alert(a) {
  if (a.level === "ok") return;
  const text = `${a.service}: ${a.figure.replaceAll("_", " ")} ${a.value} (threshold ${a.threshold}) — ${a.level}`;
  const el = h("p", { class: `wb-alert level-${a.level}`, text });
  $("alerts").prepend(el);
  while ($("alerts").children.length > 5) $("alerts").lastChild.remove();
}

// Thresholds: a small form per service, for admins.
async function renderThresholds() {
  const role = document.querySelector(".me-role");
  if (!role || role.textContent.trim() !== "admin") return;
  const { thresholds } = await get("/api/thresholds");
  $("thresholds-section").hidden = false;
  $("thresholds").replaceChildren(
    ...thresholds.map((t) => {
      const field = (name, label, value, attrs = {}) =>
        h("label", { class: "th-field" }, h("span", { text: label }), h("input", { type: "number", name, value: String(value), min: "0", required: true, ...attrs }));
      const form = h("form", { class: "th-form", "data-service": t.service },
        h("h3", { text: t.service }),
        field("service_level_seconds", "Service level T (s)", t.service_level_seconds, { min: "1" }),
        field("service_level_target", "Target (%)", t.service_level_target, { min: "1", max: "100" }),
        field("dropout_seconds", "Dropout (s)", t.dropout_seconds),
        field("chat_time_limit_seconds", "Chat time limit (s)", t.chat_time_limit_seconds),
        field("max_wait_seconds", "Max wait (s, 0: none)", t.max_wait_seconds),
        h("span", { class: "muted th-queue", text: `Max waiting chats: ${t.max_queue_length || "no limit"} (parley.yaml)` }),
        h("button", { type: "submit", class: "btn btn-primary btn-sm", text: "Save" }));
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const body = {};
        for (const i of form.querySelectorAll("input")) body[i.name] = Number(i.value);
        try {
          await put(`/api/services/${encodeURIComponent(t.service_id)}/thresholds`, body);
          toast(`Thresholds of ${t.service} saved.`);
        } catch (err) {
          toast(`Could not save: ${err.message}`);
        }
      });
      return form;
    })
  );
}

function setConn(status) {
  const c = $("conn-status");
  c.dataset.state = status;
  c.querySelector(".conn-text").textContent = status === "live" ? "Live" : status === "reconnecting" ? "Reconnecting…" : "Connecting…";
}

const stream = new EventStream("/api/wallboard/stream", {
  onStatus: setConn,
  ordered: false,
  onGiveUp: async () => {
    try {
      await get("/api/wallboard");
      return true;
    } catch (err) {
      if (isUnauthorized(err)) location.assign("/login?next=/wallboard");
      return false;
    }
  },
});
stream.on("wallboard", render);
stream.on("threshold.crossed", alert);
stream.start();
// Times tick every second without a round trip.
setInterval(() => {
  for (const el of document.querySelectorAll("[data-since]")) {
    if (!el.dataset.since) continue;
    const v = el.querySelector(".wb-value") || el;
    v.textContent = el.dataset.ago ? `${since(el.dataset.since)} ago` : since(el.dataset.since);
  }
}, 1000);
renderThresholds().catch((err) => toast(`Could not load the thresholds: ${err.message}`));

$("recount").addEventListener("click", async (ev) => {
  const btn = ev.currentTarget;
  btn.disabled = true;
  try {
    const { chats } = await post("/api/reports/recount");
    toast(`Report history recounted: ${chats} chats.`);
  } catch (err) {
    toast(`Could not recount: ${err.message}`);
  } finally {
    btn.disabled = false;
  }
});
