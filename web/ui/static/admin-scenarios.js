// admin-scenarios.js — the Admin scenario page: lists scenarios and their
// versions, edits one as YAML, validates it through the API (problems are
// shown with their line and block) and publishes it as a new version.

const $ = (id) => document.getElementById(id);

let scenarios = [];
let current = null;

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { ok: res.ok, status: res.status, data: data || {} };
}

function status(text, kind = "") {
  const el = $("scenario-status");
  el.textContent = text ? text.charAt(0).toUpperCase() + text.slice(1) : ""; // server messages start in lower case
  el.dataset.kind = kind;
}

function showProblems(problems) {
  const list = $("scenario-problems");
  list.replaceChildren();
  for (const p of problems || []) {
    const li = document.createElement("li");
    const where = document.createElement("button");
    where.type = "button";
    where.className = "scn-where";
    where.textContent = (p.line ? `line ${p.line}` : "file") + (p.block ? ` · ${p.block}` : "");
    where.addEventListener("click", () => goToLine(p.line));
    const msg = document.createElement("span");
    msg.textContent = shortMessage(p);
    li.append(where, " ", msg);
    list.append(li);
  }
}

// shortMessage drops what the line button already says: the scenario
// ("scenarios[0] (name): ") and the block ("block \"id\": ").
function shortMessage(p) {
  let m = String(p.message || "").replace(/^scenarios\[\d+\] \([^)]*\): /, "");
  const prefix = `block "${p.block}": `;
  if (p.block && m.startsWith(prefix)) m = m.slice(prefix.length);
  return m;
}

function goToLine(line) {
  if (!line) return;
  const ta = $("scenario-yaml");
  const lines = ta.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  ta.focus();
  ta.setSelectionRange(start, start + (lines[line - 1] || "").length);
}

function renderList() {
  const list = $("scenario-list");
  list.replaceChildren();
  for (const sc of scenarios) {
    const li = document.createElement("li");
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "scn-item";
    btn.setAttribute("aria-current", current && current.name === sc.name ? "true" : "false");
    btn.textContent = `${sc.name} · v${sc.latest}`;
    if (sc.entries.length) btn.title = "Started by: " + sc.entries.join(", ");
    btn.addEventListener("click", () => select(sc.name));
    li.append(btn);
    list.append(li);
  }
}

function select(name) {
  current = scenarios.find((s) => s.name === name) || null;
  if (!current) return;
  $("editor-title").textContent = current.name;
  $("editor-versions").textContent = "versions: " + current.versions.map((v) => "v" + v.version).join(", ");
  $("scenario-yaml").value = current.yaml;
  $("scenario-yaml").scrollTop = 0;
  showProblems([]);
  status("");
  renderList();
}

async function load(keep) {
  const r = await call("GET", "/api/admin/scenarios");
  if (!r.ok) {
    status((r.data.error && r.data.error.message) || `HTTP ${r.status}`, "error");
    return;
  }
  scenarios = r.data.scenarios;
  $("config-file").textContent = r.data.config_file || "none";
  // Without a file (everything set up in the browser) there is nothing to validate or reload.
  $("config-validate").hidden = $("config-reload").hidden = !r.data.config_file;
  const name = keep || (scenarios[0] && scenarios[0].name);
  renderList();
  if (name) select(name);
}

async function validate() {
  const r = await call("POST", "/api/admin/scenarios/validate", { yaml: $("scenario-yaml").value });
  if (!r.ok) return status((r.data.error && r.data.error.message) || `HTTP ${r.status}`, "error");
  showProblems(r.data.problems);
  status(r.data.ok ? "Valid." : `${r.data.problems.length} problem(s).`, r.data.ok ? "ok" : "error");
}

async function publish() {
  const r = await call("POST", "/api/admin/scenarios", { yaml: $("scenario-yaml").value });
  if (!r.ok) {
    showProblems(r.data.problems);
    return status((r.data.error && r.data.error.message) || `HTTP ${r.status}`, "error");
  }
  showProblems([]);
  await load(r.data.name);
  status(`Published ${r.data.name} v${r.data.version}. New chats use it.`, "ok");
}

async function validateFile() {
  const r = await call("POST", "/api/admin/config/validate");
  if (!r.ok) return status((r.data.error && r.data.error.message) || `HTTP ${r.status}`, "error");
  showProblems(r.data.problems);
  status(r.data.ok ? `${r.data.file} is valid.` : `${r.data.file} has problems.`, r.data.ok ? "ok" : "error");
}

async function reload() {
  const r = await call("POST", "/api/admin/config/reload");
  if (!r.ok) {
    showProblems(r.data.problems);
    return status((r.data.error && r.data.error.message) || `HTTP ${r.status}`, "error");
  }
  showProblems([]);
  await load(current && current.name);
  status("Reloaded: " + r.data.scenarios.map((s) => `${s.name} v${s.version}`).join(", "), "ok");
}

$("scenario-validate").addEventListener("click", validate);
$("scenario-publish").addEventListener("click", publish);
$("config-validate").addEventListener("click", validateFile);
$("config-reload").addEventListener("click", reload);

// Import: the file is applied as parley.yaml would be at start; a file
// with errors changes nothing and its problems are listed with their line.
async function importFile() {
  const file = $("config-import").files[0];
  $("config-import").value = "";
  if (!file || !confirm(`Apply ${file.name} to this tenant? What it declares replaces the current settings of the same names.`)) return;
  const res = await fetch("/api/admin/config", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/yaml" }, body: await file.text() });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    showProblems(data.problems || []);
    return status((data.error && data.error.message) || `HTTP ${res.status}`, "error");
  }
  showProblems([]);
  await load(current && current.name);
  status(`${file.name} imported.`, "ok");
}
$("config-import").addEventListener("change", importFile);
load();
