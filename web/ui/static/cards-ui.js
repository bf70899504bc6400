// cards-ui.js — the composer's card builder: a carousel of up to 10 cards
// (title, subtitle, image, up to 3 buttons), sent through the rich-reply
// API and shown by each channel its own way (numbered where it cannot).
import { h } from "./dom.js";

const MAX_CARDS = 10;

/** A card row: title, subtitle, image URL and buttons ("Title" or "Title=https://…"). */
function cardRow(n, remove) {
  const field = (cls, label, attrs = {}) => h("input", { type: "text", class: cls, "aria-label": `Card ${n}: ${label}`, placeholder: label, ...attrs });
  return h(
    "div",
    { class: "card-row" },
    field("card-title", "Title"),
    field("card-subtitle", "Subtitle"),
    field("card-image", "Image URL", { type: "url" }),
    field("card-buttons", "Buttons: Book it, Details=https://…"),
    h("button", { type: "button", class: "btn btn-ghost card-remove", title: "Remove this card", text: "×", onclick: remove })
  );
}

/** buttons reads "Book it, Details=https://…" into postback and link buttons. */
function buttons(text) {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 3)
    .map((s) => {
      const [title, url] = s.split("=").map((x) => x.trim());
      return url && /^https?:\/\//.test(url) ? { title, url } : { title, payload: title.toUpperCase().replace(/\W+/g, "_") };
    });
}

/** cardsUI adds the Cards button and editor to the composer bar. */
export function cardsUI(bar, onChange = () => {}) {
  const btn = h("button", { type: "button", id: "cards-button", class: "btn btn-ghost", title: "Send a carousel of cards", text: "Cards" });
  const list = h("div", { class: "card-rows" });
  const add = h("button", { type: "button", class: "btn btn-secondary", id: "add-card", text: "Add card" });
  const box = h("div", { id: "cards-editor", class: "cards-editor", hidden: true }, list, add);
  bar.append(btn);
  bar.after(box);

  const rows = () => [...list.querySelectorAll(".card-row")];
  function addRow() {
    if (rows().length >= MAX_CARDS) return;
    const row = cardRow(rows().length + 1, () => {
      row.remove();
      add.disabled = false;
    });
    list.append(row);
    add.disabled = rows().length >= MAX_CARDS;
    row.querySelector(".card-title").focus();
  }
  add.addEventListener("click", addRow);
  list.addEventListener("input", onChange);
  btn.addEventListener("click", () => {
    box.hidden = !box.hidden;
    btn.classList.toggle("active", !box.hidden);
    if (!box.hidden && !rows().length) addRow();
  });

  return {
    /** The cards to send, or none when the editor is closed or empty. */
    cards() {
      if (box.hidden) return [];
      return rows()
        .map((r) => ({
          title: r.querySelector(".card-title").value.trim(),
          subtitle: r.querySelector(".card-subtitle").value.trim(),
          image_url: r.querySelector(".card-image").value.trim(),
          buttons: buttons(r.querySelector(".card-buttons").value),
        }))
        .filter((c) => c.title);
    },
    /** Empties and closes the editor after a send. */
    reset() {
      list.replaceChildren();
      box.hidden = true;
      btn.classList.remove("active");
      add.disabled = false;
    },
  };
}
