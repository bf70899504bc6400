// events.js — a wrapper around EventSource for Parley's Server-Sent Events.
//
// The browser reconnects by itself and sends Last-Event-ID, so the server
// replays what was missed. This wrapper adds what EventSource lacks:
//   - typed JSON handlers: stream.on("message", (data, id) => …)
//   - events older than the last seen id are dropped (replays are harmless)
//   - onStatus("live" | "reconnecting" | "connecting" | "offline") for an
//     indicator ("offline" while the browser says it has no network)
//   - onReconnect() after every reconnection, so the page can resync
//   - when the browser gives up (server down, HTTP error), it retries with
//     backoff itself, and asks onGiveUp() first (e.g. to check the session).

export class EventStream {
  /**
   * @param {string} url
   * @param {{
   *   onStatus?: (status: string) => void,
   *   onReconnect?: () => void,
   *   onGiveUp?: () => Promise<boolean> | boolean,
   *   ordered?: boolean,
   * }} [hooks] onGiveUp returns false to stop retrying. ordered (default
   * true) says event ids are ascending integers, so any id at or below the
   * last one seen is a replay and is dropped; pass false for streams whose
   * ids are not ordered, and de-duplicate in the handlers.
   */
  constructor(url, hooks = {}) {
    this.url = url;
    this.hooks = hooks;
    this.handlers = new Map();
    this.lastId = -1;
    this.opened = false; // has any connection been open yet
    this.source = null;
    this.retry = 0;
    this.timer = 0;
    this.closed = false;
  }

  /** Registers a handler for one event type; data is the parsed JSON. */
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(fn);
    if (this.source) this.#listen(this.source, type);
    return this;
  }

  start() {
    this.closed = false;
    this.#connect();
    return this;
  }

  /**
   * Drops the current connection (if any) and connects again now,
   * resuming after the last event seen: for when the page knows the
   * network is back (an "online" event, the tab became visible again)
   * and should not wait for the browser's or the backoff's next try.
   */
  reconnectNow() {
    if (this.closed) return;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.retry = 0;
    this.#connect();
  }

  /** True while a connection is open. */
  get live() {
    return !!this.source && this.source.readyState === EventSource.OPEN;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }

  #status(s) {
    if (this.hooks.onStatus) this.hooks.onStatus(s);
  }

  #connect() {
    if (this.closed) return;
    let url = this.url;
    if (this.opened && this.hooks.ordered !== false && this.lastId >= 0) {
      // A fresh EventSource sends no Last-Event-ID: say where to resume.
      url += (url.includes("?") ? "&" : "?") + "after=" + encodeURIComponent(this.lastId);
    }
    const src = new EventSource(url, { withCredentials: true });
    this.source = src;
    this.#status(this.opened ? "reconnecting" : "connecting");
    src.onopen = () => {
      const again = this.opened;
      this.opened = true;
      this.retry = 0;
      this.#status("live");
      if (again && this.hooks.onReconnect) this.hooks.onReconnect();
    };
    src.onerror = () => {
      if (this.closed) return;
      if (src.readyState === EventSource.CONNECTING) {
        // The browser retries by itself, with Last-Event-ID.
        this.#status(navigator.onLine === false ? "offline" : "reconnecting");
        return;
      }
      // CLOSED: the browser gave up (HTTP error or wrong content type).
      src.close();
      this.#status(navigator.onLine === false ? "offline" : "reconnecting");
      this.#giveUp();
    };
    for (const type of this.handlers.keys()) this.#listen(src, type);
  }

  async #giveUp() {
    if (this.hooks.onGiveUp) {
      let keepGoing = true;
      try {
        keepGoing = await this.hooks.onGiveUp();
      } catch {
        keepGoing = true;
      }
      if (keepGoing === false) {
        this.close();
        return;
      }
    }
    const delay = Math.min(30000, 1000 * 2 ** this.retry) * (0.75 + Math.random() / 2);
    this.retry++;
    // The new connection resumes with ?after= and the page resyncs on open
    // through onReconnect.
    this.opened = true;
    this.timer = setTimeout(() => this.#connect(), delay);
  }

  #listen(src, type) {
    src.addEventListener(type, (ev) => {
      if (src !== this.source) return;
      const id = ev.lastEventId !== "" ? Number(ev.lastEventId) : NaN;
      if (this.hooks.ordered !== false && Number.isFinite(id)) {
        // Older than what we have seen: a replay. (Equal ids are let through:
        // an event sent without an id: line repeats the previous one, and
        // the handlers are idempotent anyway.)
        if (id < this.lastId) return;
        this.lastId = id;
      }
      let data;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      for (const fn of this.handlers.get(type) || []) {
        try {
          fn(data, ev.lastEventId);
        } catch (err) {
          console.error(`parley: ${type} handler failed`, err);
        }
      }
    });
  }
}
