// quality-forms.js — the Evaluation forms page: every form of the tenant,
// read as sections of weighted questions, and edited as the YAML of
// parley.yaml's evaluation_forms (errors name the line).
import { get, put, isUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { toast } from "./page-ui.js";

const $ = (id) => document.getElementById(id);
let forms = [];

const TEMPLATE = `name: New form
service: Support
sections:
  - title: Greeting
    questions:
      - {id: greet, text: "Greeted the customer by name?", scale: yes_no, weight: 1}
      - {id: tone, text: "Friendly, clear tone", scale: "1-5", weight: 2}
`;

function view(f) {
  $("form-title").textContent = f ? `${f.name} (version ${f.version}${f.service ? `, ${f.service}` : ""})` : "New form";
  $("form-view").replaceChildren(
    ...(f ? f.sections : []).map((s) =>
      h("div", { class: "form-section" }, h("h3", { text: s.title }), h("ol", {}, s.questions.map((q) => h("li", { text: `${q.text} — ${q.scale === "yes_no" ? "yes / no" : "1 to 5"}, weight ${q.weight}` }))))
    )
  );
  $("form-yaml").value = f ? f.yaml : TEMPLATE;
  $("form-error").hidden = true;
}

function renderList(selected) {
  $("form-list").replaceChildren(
    ...forms.map((f) => {
      const b = h("button", { type: "button", class: "btn btn-ghost", "data-form": f.name, text: `${f.name}${f.service ? ` · ${f.service}` : ""} · v${f.version}` });
      b.addEventListener("click", () => view(f));
      return h("li", {}, b);
    })
  );
  view(forms.find((f) => f.name === selected) || forms[0]);
}

async function load(selected) {
  try {
    forms = (await get("/api/quality/forms")).forms;
    renderList(selected);
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (isUnauthorized(err)) location.assign("/login?next=/quality/forms");
    else toast(err.message);
  }
}

$("form-new").addEventListener("click", () => view(null));
$("form-save").addEventListener("click", async () => {
  try {
    const f = await put("/api/quality/forms", { yaml: $("form-yaml").value });
    toast(`Saved ${f.name}, version ${f.version}`);
    load(f.name);
  } catch (err) {
    $("form-error").textContent = err.message;
    $("form-error").hidden = false;
  }
});

load();
