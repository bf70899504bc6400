// ticket-fields-editor.js — the rows of Admin → Services where an admin
// declares the extra questions of a service's ticket form: name, label,
// type, required, and the choices of a choice field (comma-separated).
import { h } from "./dom.js";

const TYPES = [["text", "short text"], ["textarea", "long text"], ["choice", "choice"]];

function fieldRow(f = {}) {
  const type = h("select", { class: "tf-type", "aria-label": "Type" },
    ...TYPES.map(([v, text]) => h("option", { value: v, text })));
  type.value = f.type || "text";
  const choices = h("input", { class: "tf-choices", type: "text", "aria-label": "Choices, comma-separated",
    value: (f.choices || []).join(", ") });
  // Only a choice field has choices.
  const sync = () => {
    choices.disabled = type.value !== "choice";
    choices.placeholder = choices.disabled ? "" : "Phone, Laptop, Other";
  };
  type.addEventListener("change", sync);
  sync();
  const tr = h("tr", { class: "tf-row" },
    h("td", {}, h("input", { class: "tf-name", type: "text", "aria-label": "Name", placeholder: "order_number",
      pattern: "[a-z0-9_]+", maxlength: "40", value: f.name || "" })),
    h("td", {}, h("input", { class: "tf-label", type: "text", "aria-label": "Label", placeholder: "Order number",
      maxlength: "100", value: f.label || "" })),
    h("td", {}, type),
    h("td", {}, h("input", { class: "tf-required", type: "checkbox", "aria-label": "Required", checked: !!f.required })),
    h("td", {}, choices),
    h("td", {}, h("button", { class: "btn btn-ghost tf-remove", type: "button", text: "Remove", onclick: () => tr.remove() })));
  return tr;
}

// setTicketFields shows fields (a service's ticket_fields) in tbody.
export function setTicketFields(tbody, fields) {
  tbody.replaceChildren(...(fields || []).map(fieldRow));
}

// addTicketField appends an empty row and focuses its name.
export function addTicketField(tbody) {
  const tr = fieldRow();
  tbody.append(tr);
  tr.querySelector(".tf-name").focus();
}

// readTicketFields is the rows as the services API takes them; a row
// left entirely empty is skipped.
export function readTicketFields(tbody) {
  const out = [];
  for (const tr of tbody.querySelectorAll("tr.tf-row")) {
    const name = tr.querySelector(".tf-name").value.trim();
    const label = tr.querySelector(".tf-label").value.trim();
    const type = tr.querySelector(".tf-type").value;
    if (!name && !label) continue;
    const f = { name, label, type, required: tr.querySelector(".tf-required").checked };
    if (type === "choice") {
      f.choices = tr.querySelector(".tf-choices").value.split(",").map((c) => c.trim()).filter(Boolean);
    }
    out.push(f);
  }
  return out;
}
