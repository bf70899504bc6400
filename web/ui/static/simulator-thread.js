// simulator-thread.js — the simulated phone's thread as data: what the
// customer sent and what Parley sent back, merged in time order, with the
// business's typing and seen actions taken out of the bubbles.

export function load(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode: the conversation just won't survive a reload */
  }
}

// The API's time may be RFC 3339 or a Unix time in ms or s.
function toMillis(t) {
  if (typeof t === "number") return t < 1e12 ? t * 1000 : t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

// timeline merges the customer's messages (sent) and the business's (page,
// a Map by id): by time, the customer's own first at the same ms.
export function timeline(sent, page) {
  const items = [];
  sent.forEach((m, i) => items.push({ who: "me", m, time: m.time, order: i }));
  let i = 0;
  for (const m of page.values()) items.push({ who: "page", m, time: toMillis(m.time), order: i++ });
  items.sort((a, b) => a.time - b.time || (a.who === b.who ? a.order - b.order : a.who === "me" ? -1 : 1));
  return items;
}

const shown = (m) => m.text || m.image || (m.cards && m.cards.length) || (m.buttons && m.buttons.length);

// split separates the bubbles from the business's sender actions: the
// typing item still showing (the last typing_on with nothing after it)
// and the index of the last bubble the business has seen.
export function split(items) {
  let typing = null;
  let seenAfter = -1;
  const bubbles = [];
  for (const it of items) {
    if (it.who === "page" && !shown(it.m)) {
      if (it.m.sender_action === "typing_on") typing = it;
      else if (it.m.sender_action === "typing_off") typing = null;
      else if (it.m.sender_action === "mark_seen") seenAfter = bubbles.length - 1;
      continue;
    }
    if (it.who === "page") typing = null;
    bubbles.push(it);
  }
  return { bubbles, typing, seenAfter };
}

// typingLeft is how long a typing indicator still shows (ms, ≤ 0: gone):
// each app hides it after its own timeout.
export function typingLeft(typing, arrivedAt, timeout) {
  const since = Math.max(typing.time, arrivedAt || 0);
  return since + timeout - Date.now();
}
