// admin-kb.js — the Admin page of the knowledge base: list and search
// articles, create / edit / delete / publish them with a live preview,
// import files with their report, and edit the synonym list.
import { get, post, put, del, ApiError } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
const el = {
  body: $("articles-body"),
  paging: $("kb-paging"),
  q: $("kb-q"),
  form: $("article-form"),
  title: $("form-title"),
  fTitle: $("f-title"),
  fBody: $("f-body"),
  preview: $("f-preview"),
  tags: $("f-tags"),
  language: $("f-language"),
  service: $("f-service"),
  published: $("f-published"),
  error: $("form-error"),
  files: $("import-files"),
  report: $("import-report"),
  synonyms: $("f-synonyms"),
  toast: $("toast"),
};
const pageSize = 50;
let editing = null; // the article being edited, or null for a new one
let offset = 0;

function toast(msg) {
  el.toast.textContent = msg;
  el.toast.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => (el.toast.hidden = true), 4000);
}

function row(a, score) {
  return h(
    "tr",
    { "data-article": a.id },
    h("td", {}, h("strong", { text: a.title }), h("div", { class: "muted", text: a.excerpt }), score === undefined ? null : h("span", { class: "kb-score", text: `score ${score.toFixed(2)}` })),
    h("td", { text: a.language || "—" }),
    h("td", { text: a.service || "All" }),
    h("td", { text: a.tags.join(", ") }),
    h("td", {}, h("span", { class: "kb-status", "data-published": String(a.published), text: a.published ? "Published" : "Draft" })),
    h(
      "td",
      {},
      h("button", { class: "btn btn-secondary", type: "button", text: "Edit", onclick: () => edit(a.id) }), " ",
      h("button", { class: "btn btn-secondary", type: "button", text: a.published ? "Unpublish" : "Publish", onclick: () => togglePublished(a) }), " ",
      a.published ? h("a", { class: "btn btn-ghost", href: a.url, target: "_blank", rel: "noopener", text: "View" }) : null, " ",
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(a) })
    )
  );
}

function showRows(rows) {
  el.body.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "6", text: "No articles." }))]));
}

async function load() {
  const q = el.q.value.trim();
  if (q) {
    const res = await get(`/api/kb/search?drafts=true&limit=50&q=${encodeURIComponent(q)}`);
    showRows(res.hits.map((hit) => row(hit.article, hit.score)));
    el.paging.replaceChildren(`${res.hits.length} found`);
    return;
  }
  const res = await get(`/api/kb/articles?limit=${pageSize}&offset=${offset}`);
  showRows(res.articles.map((a) => row(a)));
  const last = Math.min(res.offset + res.articles.length, res.total);
  el.paging.replaceChildren(
    `${res.total ? res.offset + 1 : 0}–${last} of ${res.total}`,
    res.offset > 0 ? h("button", { class: "btn btn-ghost", type: "button", text: "Previous", onclick: () => page(-pageSize) }) : null,
    last < res.total ? h("button", { class: "btn btn-ghost", type: "button", text: "Next", onclick: () => page(pageSize) }) : null
  );
}

function page(delta) {
  offset = Math.max(0, offset + delta);
  load().catch((err) => toast(err.message));
}

function showForm(a) {
  editing = a;
  el.form.hidden = false;
  el.error.hidden = true;
  el.title.textContent = a ? `Edit ${a.title}` : "New article";
  el.fTitle.value = a ? a.title : "";
  el.fBody.value = a ? a.body : "";
  el.tags.value = a ? a.tags.join(", ") : "";
  el.language.value = a ? a.language : "";
  el.service.value = a ? a.service || "" : "";
  el.published.checked = a ? a.published : false;
  preview();
  el.fTitle.focus();
}

async function edit(id) {
  try {
    showForm(await get(`/api/kb/articles/${encodeURIComponent(id)}`));
  } catch (err) {
    toast(err.message);
  }
}

function input() {
  return {
    title: el.fTitle.value.trim(),
    body: el.fBody.value,
    tags: el.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
    language: el.language.value.trim(),
    service: el.service.value.trim(),
    published: el.published.checked,
    version: editing ? editing.version : 0,
  };
}

// preview renders the body on the server (kb.Render: Markdown, then
// sanitised), so the HTML set here is the same the public page serves.
async function preview() {
  clearTimeout(preview.t);
  preview.t = setTimeout(async () => {
    try {
      const res = await post("/api/kb/preview", { body: el.fBody.value });
      el.preview.innerHTML = res.html; // sanitised by the server
    } catch (err) {
      el.preview.textContent = err.message;
    }
  }, 250);
}

async function togglePublished(a) {
  try {
    const full = await get(`/api/kb/articles/${encodeURIComponent(a.id)}`);
    await put(`/api/kb/articles/${encodeURIComponent(a.id)}`, {
      title: full.title, body: full.body, tags: full.tags, language: full.language,
      service: full.service_id, published: !full.published, version: full.version,
    });
    toast(`${a.title} ${full.published ? "unpublished" : "published"}`);
  } catch (err) {
    toast(err.message);
  }
  await load();
}

async function remove(a) {
  if (!confirm(`Delete the article ${a.title}?`)) return;
  try {
    await del(`/api/kb/articles/${encodeURIComponent(a.id)}`);
    toast(`${a.title} deleted`);
  } catch (err) {
    toast(err.message);
  }
  await load();
}

// importFiles posts the chosen files as multipart "files" parts.
async function importFiles() {
  const data = new FormData();
  for (const f of el.files.files) data.append("files", f, f.name);
  const res = await fetch("/api/kb/import", { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError((body && body.error && body.error.message) || `${res.status} import failed`, { status: res.status });
  return body;
}

function showReport(rep) {
  el.report.hidden = false;
  el.report.tBodies[0].replaceChildren(
    ...rep.files.map((f) => h("tr", {}, h("td", { text: f.file }), h("td", { text: String(f.imported) }), h("td", { class: f.error ? "form-error" : "", text: f.error || "—" })))
  );
  toast(`${rep.imported} article(s) imported, ${rep.failed} file(s) failed`);
}

async function loadSynonyms() {
  const res = await get("/api/kb/synonyms");
  el.synonyms.value = res.groups.map((g) => g.join(", ")).join("\n");
}

$("new-article").addEventListener("click", () => showForm(null));
$("cancel-article").addEventListener("click", () => (el.form.hidden = true));
el.fBody.addEventListener("input", preview);
$("kb-search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  offset = 0;
  load().catch((err) => toast(err.message));
});
el.form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  el.error.hidden = true;
  try {
    const a = editing ? await put(`/api/kb/articles/${encodeURIComponent(editing.id)}`, input()) : await post("/api/kb/articles", input());
    toast(`${a.title} saved`);
    el.form.hidden = true;
    await load();
  } catch (err) {
    el.error.textContent = err.status === 409 ? `${err.message} Your text is still in the form: copy it, then reopen the article.` : err.message;
    el.error.hidden = false;
  }
});
$("import-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!el.files.files.length) return toast("Choose files to import first.");
  try {
    showReport(await importFiles());
    await load();
  } catch (err) {
    toast(err.message);
  }
});
$("synonyms-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const groups = el.synonyms.value.split("\n").map((l) => l.split(",").map((w) => w.trim()).filter(Boolean)).filter((g) => g.length);
  try {
    const res = await put("/api/kb/synonyms", { groups });
    el.synonyms.value = res.groups.map((g) => g.join(", ")).join("\n");
    toast("Synonyms saved");
  } catch (err) {
    toast(err.message);
  }
});

load().catch((err) => toast(err.message));
loadSynonyms().catch((err) => toast(err.message));
