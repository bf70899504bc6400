// desktop-emoji.js — the composer's emoji picker: a small set of our own,
// grouped by category, with a search by name. No third-party list, no
// images: the browser's emoji font draws them.
import { h } from "./dom.js";
import { el, slots } from "./desktop-state.js";
import { insertText } from "./desktop-composer.js";

// [emoji, words to find it by]
const EMOJI = {
  Smileys: [
    ["😀", "grin smile happy"], ["😊", "smile blush happy"], ["🙂", "slight smile"], ["😉", "wink"], ["😍", "love heart eyes"],
    ["😂", "joy laugh tears"], ["🤔", "thinking hmm"], ["😅", "sweat smile relief"], ["😢", "sad cry tear"], ["😮", "surprised wow"],
    ["😎", "cool sunglasses"], ["🙏", "thanks please pray"], ["😴", "sleep tired"], ["🤗", "hug"], ["😇", "innocent angel"], ["🥳", "party celebrate"],
  ],
  Gestures: [
    ["👍", "thumbs up yes ok like"], ["👎", "thumbs down no dislike"], ["👋", "wave hello hi bye"], ["👏", "clap applause"], ["🙌", "hooray raise hands"],
    ["🤝", "handshake deal agree"], ["👌", "ok perfect"], ["✌️", "peace victory"], ["🤞", "fingers crossed luck"], ["💪", "strong muscle"],
  ],
  Hearts: [["❤️", "heart love red"], ["💙", "blue heart"], ["💚", "green heart"], ["💛", "yellow heart"], ["💜", "purple heart"], ["🧡", "orange heart"], ["💯", "hundred perfect"], ["✨", "sparkles"]],
  Objects: [
    ["📦", "package parcel box delivery order"], ["🚚", "truck delivery shipping"], ["📅", "calendar date appointment"], ["⏰", "alarm clock time"],
    ["📞", "phone call"], ["✉️", "email envelope mail"], ["💳", "credit card payment"], ["🧾", "receipt invoice bill"], ["🔑", "key password"], ["🎁", "gift present"],
    ["📎", "paperclip attachment"], ["🛒", "cart shopping"],
  ],
  Symbols: [["✅", "check done yes"], ["❌", "cross no wrong"], ["⚠️", "warning caution"], ["❓", "question"], ["❗", "exclamation important"], ["➡️", "arrow right next"], ["⭐", "star favourite"], ["🔥", "fire hot"], ["⏳", "hourglass wait"], ["🎉", "tada congrats"]],
};

const button = h("button", { type: "button", id: "emoji-button", class: "btn btn-ghost btn-icon", title: "Insert an emoji", "aria-label": "Insert an emoji", "aria-expanded": "false", "aria-controls": "emoji-picker", text: "😊" });
slots.composerTools.append(button);

const search = h("input", { type: "search", id: "emoji-search", class: "emoji-search", placeholder: "Search emoji (e.g. thanks, parcel)", "aria-label": "Search emoji" });
const list = h("div", { class: "emoji-groups" });
const picker = h("div", { id: "emoji-picker", class: "emoji-picker", role: "dialog", "aria-label": "Emoji", hidden: true }, search, list);
slots.composerPanel.append(picker);

function render(query) {
  const q = query.trim().toLowerCase();
  const groups = Object.entries(EMOJI)
    .map(([name, items]) => [name, items.filter(([, words]) => !q || words.includes(q) || words.split(" ").some((w) => w.startsWith(q)))])
    .filter(([, items]) => items.length);
  const nodes = groups.map(([name, items]) =>
      h(
        "section",
        { class: "emoji-group", "aria-label": name },
        h("h3", { text: name }),
        h("div", { class: "emoji-grid" }, ...items.map(([e, words]) => h("button", { type: "button", class: "emoji", title: words.split(" ")[0], "aria-label": words.split(" ")[0], "data-emoji": e, text: e })))
      )
  );
  list.replaceChildren(...(nodes.length ? nodes : [h("p", { class: "emoji-none", text: "No emoji by that name." })]));
}

function show(on) {
  picker.hidden = !on;
  button.setAttribute("aria-expanded", String(on));
  button.classList.toggle("active", on);
  if (on) {
    search.value = "";
    render("");
    search.focus();
  }
}

button.addEventListener("click", () => show(picker.hidden));
search.addEventListener("input", () => render(search.value));
search.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") {
    ev.preventDefault();
    show(false);
    el.composer.focus();
  } else if (ev.key === "Enter") {
    ev.preventDefault(); // never submit the reply from the search
    const first = list.querySelector(".emoji");
    if (first) first.click();
  }
});
list.addEventListener("click", (ev) => {
  const b = ev.target.closest(".emoji");
  if (!b) return;
  insertText(b.dataset.emoji);
  show(false);
});
document.addEventListener("click", (ev) => {
  if (!picker.hidden && !picker.contains(ev.target) && ev.target !== button) show(false);
});
