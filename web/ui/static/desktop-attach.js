// desktop-attach.js — files into the open chat by dragging them onto the
// conversation or pasting them into the composer (the paperclip button is
// messages-ui.js's). Errors (413: too large) show in the composer.
import { el, connected, state } from "./desktop-state.js";
import { channel } from "./desktop-composer.js";

const zone = el.composerForm.closest(".conversation");

function canSend() {
  return connected(state.chats.get(state.current));
}

function hasFiles(ev) {
  return !!ev.dataTransfer && [...(ev.dataTransfer.types || [])].includes("Files");
}

let depth = 0; // dragenter/dragleave pairs over child elements
zone.addEventListener("dragenter", (ev) => {
  if (!hasFiles(ev) || !canSend()) return;
  ev.preventDefault();
  depth++;
  zone.classList.add("drop-target");
});
zone.addEventListener("dragover", (ev) => {
  if (!hasFiles(ev) || !canSend()) return;
  ev.preventDefault();
  ev.dataTransfer.dropEffect = "copy";
});
zone.addEventListener("dragleave", () => {
  depth = Math.max(0, depth - 1);
  if (!depth) zone.classList.remove("drop-target");
});
zone.addEventListener("drop", (ev) => {
  depth = 0;
  zone.classList.remove("drop-target");
  if (!hasFiles(ev)) return;
  ev.preventDefault();
  if (!canSend()) return;
  sendAll(ev.dataTransfer.files);
});

el.composer.addEventListener("paste", (ev) => {
  const files = ev.clipboardData ? [...ev.clipboardData.files] : [];
  if (!files.length || !canSend()) return; // plain text pastes as usual
  ev.preventDefault();
  sendAll(files);
});

async function sendAll(files) {
  for (const f of [...files].slice(0, 10)) await channel.upload(f);
}
