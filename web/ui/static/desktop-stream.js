// desktop-stream.js — the desktop's one live event stream (/api/events).
// Modules subscribe with stream.on(type, fn); the connection's state goes
// out on the bus as "connection" and every reconnect as "reconnected", so
// desktop-live.js can resync.
import { get, isUnauthorized } from "./api.js";
import { EventStream } from "./events.js";
import { bus } from "./desktop-state.js";
import { toLogin } from "./desktop-util.js";

export const stream = new EventStream("/api/events", {
  onStatus: (status) => bus.emit("connection", { status }),
  onReconnect: () => bus.emit("reconnected"),
  onGiveUp: async () => {
    try {
      await get("/api/me");
      return true;
    } catch (err) {
      if (isUnauthorized(err)) {
        toLogin();
        return false;
      }
      return true;
    }
  },
});

// The network's own signals: say "offline" at once, and when it is back
// (or the laptop wakes and the tab shows again) reconnect without waiting
// for the next retry. desktop-live.js resyncs on every reconnect.
window.addEventListener("offline", () => bus.emit("connection", { status: "offline" }));
window.addEventListener("online", () => stream.reconnectNow());
