// transcripts.js — the Transcripts page: search every chat, open and
// closed, by dates, service, agent, customer, channel, disposition, state
// and words; page through the results; read one (live while it is open),
// export it, see its survey and grade it with an evaluation form.
import { get, post, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { h } from "./dom.js";
import { toast, setConn } from "./page-ui.js";
import { TranscriptList } from "./transcript-ui.js";

const $ = (id) => document.getElementById(id);
const list = new TranscriptList($("tr-messages"));
let next = "";
let current = null; // the transcript shown
let forms = [];

function failed(err) {
  if (isUnauthorized(err)) location.assign("/login?next=/transcripts");
  else toast(err.message);
}

function query() {
  const p = new URLSearchParams();
  for (const el of $("tr-search").elements) if (el.name && el.value) p.set(el.name, el.value);
  return p;
}

function row(c) {
  const tr = h(
    "tr",
    { "data-chat-id": c.id, tabindex: "0", class: "tr-row" },
    h("td", { text: new Date(c.created_at).toLocaleString() }),
    h("th", { scope: "row", text: c.customer }),
    h("td", { text: c.service || "—" }),
    h("td", { text: c.agent || "—" }),
    h("td", { text: c.channel || "—" }),
    h("td", {}, h("span", { class: `pill pill-${c.state}`, text: c.state }))
  );
  const show = () => openTranscript(c.id);
  tr.addEventListener("click", show);
  tr.addEventListener("keydown", (e) => e.key === "Enter" && show());
  return tr;
}

// Only the newest search draws: an older answer arriving late would put back
// rows the agent's newer search has replaced.
let searches = 0;

async function search(more = false) {
  const p = query();
  const shown = p.toString();
  if (more && next) p.set("cursor", next);
  const seq = ++searches;
  try {
    const page = await get(`/api/transcripts?${p}`);
    if (seq !== searches) return;
    const body = $("tr-table").tBodies[0];
    if (!more) body.replaceChildren();
    body.append(...page.chats.map(row));
    next = page.next || "";
    $("tr-more").hidden = !next;
    $("tr-empty").hidden = body.rows.length > 0;
    $("tr-table").dataset.query = shown;
    document.body.dataset.loaded = "true";
  } catch (err) {
    failed(err);
  }
}

function surveyBox(s) {
  const box = $("tr-survey");
  box.hidden = !s;
  if (!s) return;
  const text = s.score ? `Customer's score: ${s.score} of 5` : s.step === "expired" ? "Not answered" : "Asked, waiting for the answer";
  box.replaceChildren(h("h3", { text: "Post-chat survey" }), h("p", { class: "survey-score", text: text }), s.comment ? h("blockquote", { text: s.comment }) : null);
}

function gradeItem(g) {
  return h(
    "li",
    { class: "grade-item", "data-score": String(g.score) },
    h("strong", { text: `${g.score.toFixed(1)}%` }),
    h("span", { text: ` ${g.form_name} v${g.form_version} · ${g.agent || "agent"} · graded by ${g.grader} on ${new Date(g.created_at).toLocaleString()}` }),
    g.comment ? h("p", { class: "grade-comment", text: g.comment }) : null
  );
}

function questionsFor(form) {
  const box = $("grade-questions");
  box.replaceChildren();
  if (!form) return;
  for (const sec of form.sections) {
    const fs = h("fieldset", { class: "grade-section" }, h("legend", { text: sec.title }));
    for (const q of sec.questions) {
      const values = q.scale === "yes_no" ? [["1", "Yes"], ["0", "No"]] : ["1", "2", "3", "4", "5"].map((v) => [v, v]);
      fs.append(
        h(
          "div",
          { class: "grade-q", "data-question": q.id },
          h("span", { class: "grade-q-text", text: `${q.text} (weight ${q.weight})` }),
          h("span", { class: "grade-scale" }, values.map(([v, label]) => h("label", {}, h("input", { type: "radio", name: `q-${q.id}`, value: v, required: true }), ` ${label} `))),
          h("input", { type: "text", class: "grade-q-comment", name: `c-${q.id}`, placeholder: "Comment (optional)", maxlength: "1000" })
        )
      );
    }
    box.append(fs);
  }
}

function fillForms(t) {
  const sel = $("grade-form-select");
  const usable = forms.filter((f) => !f.service || f.service === t.chat.service);
  sel.replaceChildren(...usable.map((f) => h("option", { value: f.id, text: `${f.name} (v${f.version})` })));
  $("grade-form").hidden = usable.length === 0;
  questionsFor(usable[0]);
}

async function openTranscript(id) {
  try {
    const t = await get(`/api/transcripts/${encodeURIComponent(id)}`);
    current = t;
    $("tr-detail").hidden = false;
    $("tr-detail").dataset.chatId = id;
    $("tr-title").textContent = `Transcript: ${t.chat.customer.name}`;
    $("tr-info").textContent = [t.chat.service, t.agent && `agent ${t.agent}`, t.channel, t.chat.state].filter(Boolean).join(" · ");
    $("tr-html").href = `/transcripts/${encodeURIComponent(id)}`;
    $("tr-json").href = `/api/transcripts/${encodeURIComponent(id)}?download=1`;
    $("tr-monitor").href = `/monitor/${encodeURIComponent(id)}`;
    $("tr-monitor").hidden = t.chat.state === "closed";
    list.reset(t.messages);
    surveyBox(t.survey);
    $("tr-grades").replaceChildren(...t.grades.map(gradeItem));
    fillForms(t);
  } catch (err) {
    failed(err);
  }
}

$("grade-form-select").addEventListener("change", (e) => questionsFor(forms.find((f) => f.id === e.target.value)));

$("grade-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!current) return;
  const form = forms.find((f) => f.id === $("grade-form-select").value);
  const data = new FormData($("grade-form"));
  const answers = form.sections.flatMap((s) => s.questions).map((q) => ({ question_id: q.id, value: Number(data.get(`q-${q.id}`)), comment: data.get(`c-${q.id}`) || "" }));
  try {
    const g = await post(`/api/chats/${encodeURIComponent(current.chat.id)}/grades`, { form_id: form.id, answers, comment: $("grade-comment").value });
    $("tr-grades").append(gradeItem(g));
    $("grade-form").reset();
    toast(`Graded ${g.score.toFixed(1)}%`);
  } catch (err) {
    failed(err);
  }
});

$("tr-search").addEventListener("submit", (e) => {
  e.preventDefault();
  search();
});
$("tr-more").addEventListener("click", () => search(true));

async function loadChoices() {
  try {
    const [dir, fs] = await Promise.all([get("/api/routing/directory"), get("/api/quality/forms")]);
    $("tr-service").append(...dir.services.map((s) => h("option", { value: s.id, text: s.name })));
    $("tr-agent").append(...dir.agents.map((a) => h("option", { value: a.id, text: a.name })));
    forms = fs.forms;
  } catch (err) {
    failed(err);
  }
}

// An open chat's transcript follows its messages live.
const stream = new EventStream("/api/events", { onStatus: setConn, onReconnect: () => current && openTranscript(current.chat.id) });
stream.on("message", (m) => {
  if (current && m.chat_id === current.chat.id) list.add(m);
});
stream.on("chat.closed", (d) => {
  if (current && d.chat_id === current.chat.id) openTranscript(current.chat.id);
});

await loadChoices();
search();
stream.start();
