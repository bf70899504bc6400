// The shared page header: logout for every signed-in page. A page with its
// own logout flow (the desktop warns about open chats) cancels the
// "parley:logout" event and runs its own.
import { post } from "./api.js";

for (const button of document.querySelectorAll("[data-logout]")) {
  button.addEventListener("click", async () => {
    const ev = new CustomEvent("parley:logout", { cancelable: true });
    if (!document.dispatchEvent(ev)) return;
    button.disabled = true;
    try {
      await post("/api/logout");
    } finally {
      location.assign("/login");
    }
  });
}

// The Admin menu closes on a click elsewhere or Escape.
const menus = [...document.querySelectorAll(".topnav-menu")];
document.addEventListener("click", (ev) => {
  for (const m of menus) if (m.open && !m.contains(ev.target)) m.open = false;
});
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") for (const m of menus) m.open = false;
});
