// desk-kb.js — the knowledge base in the Agent Desktop. The right-hand
// panel gets two tabs, Customer and Knowledge; Knowledge searches the
// published articles (GET /api/kb/search, scoped to the open chat's
// service: its articles and those of every service), shows one rendered
// (GET /api/kb/articles/{id}: HTML sanitised by the server) and puts into
// the composer either the answer as plain text or the link to the public
// page (/kb/{tenant}/articles/{id}). Inserting never sends: the agent
// edits and presses Send. Alt+K or the composer's book button opens it
// with the search focused; ↑/↓ move through the results, Esc goes back.
import { get } from "./api.js";
import { h } from "./dom.js";
import { bus, el, slots, currentChat } from "./desktop-state.js";
import { insertText } from "./desktop-composer.js";

const DEBOUNCE_MS = 250;
const RESULTS = 10;
const ANSWER_MAX = 1000; // characters of article text put in the composer
const TAB_KEY = "parley.desktop.panel";

// ---------------------------------------------------------------- tabs

const aside = slots.customerPanel;
const customerView = h("div", { id: "customer-view", role: "tabpanel", "aria-labelledby": "tab-customer" });
customerView.append(...aside.childNodes); // the card, the details and #customer-extra
const tab = (id, controls, text) => h("button", { type: "button", role: "tab", id, class: "panel-tab", "aria-controls": controls, text });
const tabs = [tab("tab-customer", "customer-view", "Customer"), tab("tab-kb", "kb-panel", "Knowledge")];
const tabList = h("div", { class: "panel-tabs", role: "tablist", "aria-label": "Side panel" }, tabs);

const search = h("input", { id: "kb-search", type: "search", placeholder: "Search articles…", autocomplete: "off", spellcheck: "false", "aria-controls": "kb-results", "aria-describedby": "kb-status" });
const status = h("p", { id: "kb-status", class: "kb-status muted", role: "status", "aria-live": "polite" });
const results = h("ul", { id: "kb-results", class: "kb-results", "aria-label": "Articles" });
const listView = h("div", { class: "kb-list" }, status, results);
const articleView = h("article", { id: "kb-article", class: "kb-read", "aria-labelledby": "kb-article-title", hidden: true });
const panel = h(
  "div",
  { id: "kb-panel", class: "kb-panel", role: "tabpanel", "aria-labelledby": "tab-kb", hidden: true },
  h("form", { class: "kb-find", role: "search", onsubmit: (ev) => (ev.preventDefault(), run(true)) }, h("label", { for: "kb-search", class: "visually-hidden", text: "Search the knowledge base" }), search),
  listView,
  articleView
);
aside.append(tabList, customerView, panel);
aside.setAttribute("aria-label", "Customer and knowledge");

function selectTab(which, focus = false) {
  const kb = which === "kb";
  tabs.forEach((t, i) => {
    const on = (i === 1) === kb;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
  });
  customerView.hidden = kb;
  panel.hidden = !kb;
  aside.dataset.tab = kb ? "kb" : "customer";
  try {
    localStorage.setItem(TAB_KEY, aside.dataset.tab);
  } catch {
    /* storage blocked: the tab is just not remembered */
  }
  if (focus) tabs[kb ? 1 : 0].focus();
  if (kb && !loaded) run(true);
}

tabs.forEach((t, i) => {
  t.addEventListener("click", () => selectTab(i === 1 ? "kb" : "customer"));
  t.addEventListener("keydown", (ev) => {
    if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(ev.key)) return;
    ev.preventDefault();
    selectTab(ev.key === "Home" || (ev.key !== "End" && i === 1) ? "customer" : "kb", true);
  });
});

/** Shows the Knowledge tab (the drawer too below 1180 px) with the search focused. */
export function openKnowledge() {
  selectTab("kb");
  const toggle = document.getElementById("customer-toggle");
  if (toggle && getComputedStyle(toggle).display !== "none" && toggle.getAttribute("aria-expanded") !== "true") toggle.click();
  showList();
  search.focus();
  search.select();
}

const book =
  '<svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true"><path d="M3.5 4.5c2.4-.9 4.6-.7 6.5.8v11c-1.9-1.5-4.1-1.7-6.5-.8v-11ZM16.5 4.5c-2.4-.9-4.6-.7-6.5.8v11c1.9-1.5 4.1-1.7 6.5-.8v-11Z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/></svg>';
slots.composerTools.append(h("button", { type: "button", id: "kb-button", class: "btn btn-ghost btn-icon", title: "Knowledge base (Alt+K)", "aria-label": "Search the knowledge base", "aria-controls": "kb-panel", html: book, onclick: openKnowledge }));
document.addEventListener("keydown", (ev) => {
  if (ev.altKey && !ev.ctrlKey && !ev.metaKey && ev.code === "KeyK" && !ev.defaultPrevented && !document.querySelector("dialog[open]")) {
    ev.preventDefault();
    openKnowledge();
  }
});

// ---------------------------------------------------------------- search

let loaded = false; // the list reflects the current query and chat
let seq = 0; // the newest request; older answers are dropped
let timer = 0;
let aborter = null;
let shown = null; // the article on screen

/** The open chat's service (name), whose articles come first; "" for all. */
const scope = () => currentChat()?.service || "";

async function run(now = false) {
  clearTimeout(timer);
  if (!now) {
    timer = setTimeout(() => run(true), DEBOUNCE_MS);
    return;
  }
  loaded = true;
  const q = search.value.trim();
  const service = scope();
  const mine = ++seq;
  aborter?.abort();
  aborter = new AbortController();
  results.setAttribute("aria-busy", "true");
  try {
    let hits;
    if (q) {
      const p = new URLSearchParams({ q, limit: String(RESULTS) });
      if (service) p.set("service", service);
      hits = ((await get(`/api/kb/search?${p}`, { signal: aborter.signal })).hits || []).map((x) => x.article);
    } else {
      // Nothing typed: the newest published articles for this chat.
      const all = (await get("/api/kb/articles?limit=100", { signal: aborter.signal })).articles || [];
      hits = all.filter((a) => a.published && (!a.service_id || !service || a.service === service));
    }
    if (mine !== seq) return;
    renderResults(hits, q, service);
  } catch (err) {
    if (err.name === "AbortError" || mine !== seq) return;
    results.replaceChildren();
    status.textContent = `Could not search: ${err.message}`;
  } finally {
    if (mine === seq) results.removeAttribute("aria-busy");
  }
}

function renderResults(list, q, service) {
  const where = service ? ` for ${service}` : "";
  status.textContent = q ? (list.length ? `${list.length === 1 ? "1 article" : `${list.length} articles`}${where}` : `No article${where} matches “${q}”.`) : list.length ? `Recently updated${where}` : "No published article yet.";
  results.replaceChildren(
    ...list.map((a) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "kb-hit", "data-article": a.id, onclick: () => openArticle(a.id) },
          h("span", { class: "kb-hit-title", text: a.title }),
          a.excerpt ? h("span", { class: "kb-hit-snippet", text: a.excerpt }) : null,
          a.service ? h("span", { class: "kb-hit-service", text: a.service }) : null
        )
      )
    )
  );
}

search.addEventListener("input", () => run());
search.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && search.value) {
    ev.preventDefault();
    ev.stopPropagation(); // clears the search; a second Esc closes the drawer
    search.value = "";
    run(true);
  }
  if (ev.key === "ArrowDown" && results.querySelector(".kb-hit")) {
    ev.preventDefault();
    results.querySelector(".kb-hit").focus();
  }
});
results.addEventListener("keydown", (ev) => {
  if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
  const hits = [...results.querySelectorAll(".kb-hit")];
  const i = hits.indexOf(document.activeElement);
  if (i < 0) return;
  ev.preventDefault();
  (ev.key === "ArrowUp" && i === 0 ? search : hits[Math.min(i + (ev.key === "ArrowDown" ? 1 : -1), hits.length - 1)]).focus();
});

// ---------------------------------------------------------------- reading

let opening = 0; // the newest article asked for

async function openArticle(id) {
  const mine = ++opening;
  let a;
  try {
    a = await get(`/api/kb/articles/${encodeURIComponent(id)}`);
  } catch (err) {
    if (mine === opening) status.textContent = `Could not open the article: ${err.message}`;
    return;
  }
  if (mine !== opening) return; // the agent picked another meanwhile
  shown = a;
  const body = h("div", { id: "kb-article-body", class: "kb-body" });
  body.append(inert(a.html || ""));
  const link = publicURL(a);
  articleView.replaceChildren(
    h("button", { type: "button", class: "btn btn-ghost kb-back", text: "← Results", onclick: () => showList(true) }),
    h("h3", { id: "kb-article-title", class: "kb-read-title", text: a.title }),
    h(
      "p",
      { class: "kb-read-meta muted" },
      [a.service || "Every service", a.language && a.language.toUpperCase()].filter(Boolean).join(" · "),
      " · ",
      h("a", { href: link, target: "_blank", rel: "noopener", class: "kb-open", text: "Open page ↗", title: "The public page, in a new tab" })
    ),
    body,
    h(
      "div",
      { class: "kb-actions", role: "group", "aria-label": "Put in the reply" },
      h("button", { type: "button", id: "kb-insert-answer", class: "btn btn-primary", text: "Insert answer", title: "The article as text, in the reply (not sent)", onclick: () => put(answerText(a)) }),
      h("button", { type: "button", id: "kb-insert-link", class: "btn btn-secondary", text: "Insert link", title: link, onclick: () => put(link) })
    ),
    h("p", { id: "kb-insert-hint", class: "kb-hint muted" })
  );
  listView.hidden = true;
  articleView.hidden = false;
  renderActions();
  articleView.querySelector(".kb-back").focus();
}

/** The server's sanitised HTML as nodes (parsed in an inert document). */
function inert(html) {
  const frag = document.createDocumentFragment();
  frag.append(...new DOMParser().parseFromString(html, "text/html").body.childNodes);
  return frag;
}

function showList(focus = false) {
  opening++; // an article still loading stays closed
  shown = null;
  articleView.hidden = true;
  articleView.replaceChildren();
  listView.hidden = false;
  if (!loaded) run(true);
  if (focus) (results.querySelector(".kb-hit") || search).focus();
}

articleView.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && !ev.defaultPrevented) {
    ev.preventDefault();
    ev.stopPropagation(); // the drawer stays open
    showList(true);
  }
});

function renderActions() {
  if (!shown) return;
  const off = el.composer.disabled;
  for (const id of ["kb-insert-answer", "kb-insert-link"]) document.getElementById(id).disabled = off;
  document.getElementById("kb-insert-hint").textContent = off ? "Open a chat to put this in your reply." : "Goes into your reply; nothing is sent until you press Send.";
}

function publicURL(a) {
  return new URL(a.url, location.origin).href;
}

/** Inserts text at the composer's cursor, apart from what is already there. */
function put(text) {
  const c = el.composer;
  const before = c.value.slice(0, c.selectionStart ?? c.value.length);
  const after = c.value.slice(c.selectionEnd ?? c.value.length);
  const block = text.includes("\n") || text.length > 80;
  const lead = before && !/\s$/.test(before) ? (block ? "\n\n" : " ") : "";
  const tail = after && !/^\s/.test(after) ? " " : "";
  if (!insertText(lead + text + tail)) return;
  if (tail) c.setSelectionRange(c.selectionStart - 1, c.selectionStart - 1);
}

// ---------------------------------------------------------------- plain text

const BLOCK = new Set(["P", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "TABLE", "HR", "DL", "DT", "DD", "FIGURE", "SECTION"]);

/** The article as plain text: paragraphs, bullets and numbers, links spelled out. */
export function plainText(html) {
  const lines = [];
  let cur = "";
  let lead = "";
  let gap = false;
  const flush = () => {
    const t = cur.replace(/\s+/g, " ").trim();
    cur = "";
    if (!t) return;
    if (gap && lines.length) lines.push("");
    lines.push(lead + t);
    lead = " ".repeat(lead.length);
    gap = false;
  };
  const walk = (node, depth, inItem) => {
    for (const n of node.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) cur += n.nodeValue;
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = n.tagName;
      if (tag === "BR") flush();
      else if (tag === "PRE") {
        flush();
        if (lines.length) lines.push("");
        lines.push(...n.textContent.replace(/\n$/, "").split("\n"));
        gap = true;
      } else if (tag === "UL" || tag === "OL") {
        flush();
        gap = gap || !inItem;
        let k = Number(n.getAttribute("start")) || 1;
        for (const li of n.children) {
          flush();
          lead = "  ".repeat(depth) + (tag === "OL" ? `${k++}. ` : "• ");
          walk(li, depth + 1, true);
          flush();
          lead = "";
        }
        gap = !inItem;
      } else if (tag === "TR") {
        flush();
        cur = [...n.children].map((c) => c.textContent.trim()).join(" | ");
        flush();
      } else if (BLOCK.has(tag)) {
        flush();
        gap = gap || !inItem;
        walk(n, depth, inItem);
        flush();
        gap = !inItem;
      } else if (tag === "IMG") cur += n.getAttribute("alt") || "";
      else {
        walk(n, depth, inItem);
        const href = tag === "A" && n.getAttribute("href");
        const abs = href && new URL(href, location.origin).href;
        if (abs && /^https?:/.test(abs) && abs !== n.textContent.trim()) cur += ` (${abs})`;
      }
    }
  };
  walk(new DOMParser().parseFromString(html, "text/html").body, 0, false);
  flush();
  return lines.join("\n").trim();
}

/** The answer to insert: the article's text, cut at a paragraph (else a sentence) when long, then its link. */
export function answerText(a) {
  const text = plainText(a.html || "");
  if (text.length <= ANSWER_MAX) return text;
  const head = text.slice(0, ANSWER_MAX);
  let cut = head.lastIndexOf("\n\n");
  if (cut < ANSWER_MAX * 0.4) cut = head.lastIndexOf("\n");
  if (cut < ANSWER_MAX * 0.4) cut = Math.max(head.lastIndexOf(". "), head.lastIndexOf("! "), head.lastIndexOf("? ")) + 1;
  if (cut < ANSWER_MAX * 0.4) cut = head.lastIndexOf(" ");
  return `${head.slice(0, cut).trimEnd()} …\n\nThe whole article: ${publicURL(a)}`;
}

// ---------------------------------------------------------------- the chat

// Another chat (another service): the list follows it; an open article stays.
bus.on("chat-selected", () => {
  loaded = false;
  if (!panel.hidden) run(true);
  setTimeout(renderActions);
});
for (const ev of ["chat-updated", "chat-closed", "chat-left", "chat-accepted"]) bus.on(ev, () => setTimeout(renderActions));

let saved = "customer";
try {
  saved = localStorage.getItem(TAB_KEY) || saved;
} catch {
  /* storage blocked */
}
selectTab(saved);
