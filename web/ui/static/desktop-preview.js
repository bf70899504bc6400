// desktop-preview.js — what the customer will see: while the agent writes
// with quick replies or builds cards, a preview under "The customer sees"
// shows the bubble with its chips, buttons and cards before it is sent.
import { h } from "./dom.js";
import { bus, el, slots } from "./desktop-state.js";

const box = h("div", { id: "reply-preview", class: "reply-preview", "aria-live": "polite", hidden: true });
slots.composerPanel.append(box);

function buttonsOf(text) {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 3)
    .map((s) => {
      const [title, url] = s.split("=").map((x) => x.trim());
      return { title, link: !!url && /^https?:\/\//.test(url) };
    });
}

function cards() {
  const editor = document.getElementById("cards-editor");
  if (!editor || editor.hidden) return [];
  return [...editor.querySelectorAll(".card-row")]
    .map((r) => ({
      title: r.querySelector(".card-title").value.trim(),
      subtitle: r.querySelector(".card-subtitle").value.trim(),
      image: r.querySelector(".card-image").value.trim(),
      buttons: buttonsOf(r.querySelector(".card-buttons").value),
    }))
    .filter((c) => c.title);
}

function quickReplies() {
  const input = document.getElementById("quick-replies-input");
  if (!input || input.hidden) return [];
  return input.value.split(",").map((s) => s.trim()).filter(Boolean);
}

function render() {
  const text = el.composer.value.trim();
  const qr = quickReplies();
  const cs = cards();
  if (!qr.length && !cs.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const parts = [];
  if (text) parts.push(h("div", { class: "pv-bubble", text }));
  if (cs.length) {
    parts.push(
      h(
        "div",
        { class: "pv-cards" },
        ...cs.map((c) =>
          h(
            "div",
            { class: "pv-card" },
            /^https?:\/\//.test(c.image) ? h("img", { class: "pv-card-img", src: c.image, alt: "", loading: "lazy", referrerpolicy: "no-referrer" }) : null,
            h("strong", { text: c.title }),
            c.subtitle ? h("span", { class: "pv-card-sub", text: c.subtitle }) : null,
            ...c.buttons.map((b) => h("span", { class: `pv-card-btn${b.link ? " link" : ""}`, text: b.link ? `${b.title} ↗` : b.title }))
          )
        )
      )
    );
  }
  if (qr.length) parts.push(h("div", { class: "pv-chips" }, ...qr.map((q) => h("span", { class: "chip", text: q }))));
  box.replaceChildren(h("p", { class: "pv-title", text: "The customer sees" }), ...parts);
  box.hidden = false;
}

// Any edit in the composer (text, quick replies, card fields) or a click
// that opens or closes an editor.
el.composerForm.addEventListener("input", render);
el.composerForm.addEventListener("click", () => queueMicrotask(render));
// After a send the editors are emptied and closed: the preview goes too.
bus.on("message", render);
bus.on("chat-selected", render);
