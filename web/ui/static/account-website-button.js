// account-website-button.js — the "Website button" part of a Facebook
// page's Admin form: the App ID (saved with the account, like its other
// fields), a ref, the button's color and size, and the snippet the server
// writes for them (the Facebook SDK loader and the Send to Messenger
// plugin) with the page's m.me link, each with a Copy button. The server
// escapes every value; the page only ever sets them as text.
import { post } from "./api.js";
import { h } from "./dom.js";
import { valueOf } from "./account-types.js";

const select = (id, values, value) => {
  const s = h("select", { id }, ...values.map((v) => h("option", { value: v, text: v })));
  s.value = value;
  return s;
};

// copyButton copies what value() returns and says so.
const copyButton = (what, value, toast) =>
  h("button", { class: "btn btn-secondary", type: "button", text: "Copy", title: `Copy the ${what}`,
    onclick: async () => {
      await navigator.clipboard.writeText(value()).catch(() => {});
      toast(`${what[0].toUpperCase()}${what.slice(1)} copied`);
    } });

// websiteButtonFields returns the section's nodes for the form's grid. a
// is the account being edited (null for a new one, which has no id yet).
export function websiteButtonFields(a, toast) {
  const appID = h("input", { id: "f-settings-app-id", type: "text", "data-key": "settings.app_id", inputmode: "numeric",
    placeholder: "App Dashboard → Settings → Basic" });
  appID.value = valueOf(a, "settings.app_id");
  const ref = h("input", { id: "wb-ref", type: "text", maxlength: "250", placeholder: "pricing-page" });
  const color = select("wb-color", ["blue", "white"], "blue");
  const size = select("wb-size", ["standard", "large", "xlarge"], "large");
  const error = h("div", { id: "wb-error", class: "form-error form-wide", role: "alert", hidden: true });
  const html = h("textarea", { id: "wb-html", class: "snippet", readonly: true, rows: "14", spellcheck: "false" });
  const link = h("input", { id: "wb-link", type: "text", readonly: true });
  const result = [
    h("label", { for: "wb-html", class: "form-label top", text: "HTML for your website" }),
    h("div", { class: "field-with-button" }, html, copyButton("snippet", () => html.value, toast)),
    h("label", { for: "wb-link", text: "m.me link" }),
    h("div", { class: "field-with-button" }, link, copyButton("link", () => link.value, toast)),
  ];
  const showResult = (on) => result.forEach((n) => (n.hidden = !on));
  showResult(false);

  const generate = h("button", { id: "wb-generate", class: "btn btn-secondary", type: "button", text: "Generate snippet", disabled: !a,
    onclick: async () => {
      error.hidden = true;
      try {
        const res = await post(`/api/admin/accounts/${encodeURIComponent(a.id)}/website-button`,
          { app_id: appID.value.trim(), ref: ref.value.trim(), color: color.value, size: size.value });
        html.value = res.html;
        link.value = res.link;
        showResult(true);
      } catch (err) {
        showResult(false);
        error.textContent = err.message;
        error.hidden = false;
      }
    } });

  return [
    h("h3", { id: "website-button", class: "form-section", text: "Website button" }),
    h("p", { class: "form-wide muted" },
      "Facebook's Send to Messenger button for your website: a visitor who clicks it starts a chat here, and the scenario reads the ref as ",
      h("code", { text: "$(ref)" }),
      ". Add the site's domain to the page's whitelisted domains. Save keeps the App ID with the account."),
    h("label", { for: "f-settings-app-id", text: "Facebook App ID" }), appID,
    h("label", { for: "wb-ref", text: "Ref" }), ref,
    h("label", { for: "wb-color", text: "Color" }), color,
    h("label", { for: "wb-size", text: "Size" }), size,
    h("div", { class: "form-wide" }, generate, a ? null : h("span", { class: "muted", text: " Save the account first." })),
    error,
    ...result,
  ];
}
