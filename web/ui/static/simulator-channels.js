// simulator-channels.js — what differs between the simulator's tabs: each
// platform's name, how its customer ids look, what its phone can send and
// how its app shows the business.

function randomDigits(n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => String(x % 10)).join("");
}

function randomFrom(alphabet, n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => alphabet[x % alphabet.length]).join("");
}

// Each channel: tab label, header subtitle, welcome line, the tap that
// starts a chat (if any), whether the phone sends photos and locations,
// how long "typing" shows, and a new customer id.
export const CHANNELS = {
  messenger: {
    label: "Messenger",
    sub: "Typically replies in minutes",
    welcome: "Say hi, or tap Get Started.",
    start: { title: "Get Started", tap: { text: "Get Started", postback: { title: "Get Started", payload: "GET_STARTED" } } },
    photo: true,
    location: true,
    typing: 20000, // Messenger hides "typing" after 20 s
    placeholder: "Aa",
    newUser: () => String(1 + (crypto.getRandomValues(new Uint8Array(1))[0] % 9)) + randomDigits(15), // a 16-digit PSID
    validUser: (u) => /^[1-9]\d{15}$/.test(u),
  },
  line: {
    label: "LINE",
    sub: "Official account",
    welcome: "You added Parley Demo Co. as a friend. Say hi!",
    photo: true,
    location: false,
    typing: 20000, // the loading animation's default
    placeholder: "Enter a message",
    newUser: () => "U" + randomFrom("0123456789abcdef", 32),
    validUser: (u) => /^U[0-9a-f]{32}$/.test(u),
  },
  telegram: {
    label: "Telegram",
    sub: "bot",
    welcome: "Parley Demo Co. answers customers here. Tap Start.",
    start: { title: "Start", tap: { text: "/start" } },
    photo: true,
    location: true,
    typing: 5000, // sendChatAction lasts 5 s
    placeholder: "Message",
    newUser: () => "6" + randomDigits(9),
    validUser: (u) => /^[1-9]\d{4,14}$/.test(u),
  },
  viber: {
    label: "Viber",
    sub: "Chatbot",
    welcome: "Parley Demo Co. chatbot. Say hi!",
    photo: true,
    location: true,
    typing: 0,
    placeholder: "Type a message…",
    newUser: () => randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 22) + "==",
    validUser: (u) => /^[A-Za-z0-9+/=]{8,64}$/.test(u),
  },
  vonage: {
    label: "SMS via Vonage",
    title: "+44 7700 900000",
    sub: "Text message",
    welcome: "Text Parley Demo Co. at +44 7700 900000.",
    photo: false,
    location: false,
    typing: 0,
    placeholder: "Text Message",
    newUser: () => "447700900" + String(100 + (crypto.getRandomValues(new Uint16Array(1))[0] % 900)),
    validUser: (u) => /^[1-9]\d{7,14}$/.test(u),
  },
};

export const ORDER = ["messenger", "line", "telegram", "viber", "vonage"];

// Storage keys; Messenger keeps the keys of the single-channel simulator.
export const customerKey = (ch) => (ch === "messenger" ? "parley.sim.customer" : `parley.sim.customer.${ch}`);
export const sentKey = (ch, user) => (ch === "messenger" ? `parley.sim.sent.${user}` : `parley.sim.sent.${ch}.${user}`);
export const CHANNEL_KEY = "parley.sim.channel";

// describe is how the header names the customer.
export function describe(ch, c) {
  const name = `${c.first_name} ${c.last_name || ""}`.trim();
  if (ch === "vonage") return `${name} · +${c.user}`;
  return `Chatting as ${name}`;
}

// Suggest a name so a demo is one click away.
export const NAMES = [
  ["Jane", "Doe"],
  ["Sam", "Rivera"],
  ["Priya", "Shah"],
  ["Tom", "Becker"],
  ["Lena", "Novak"],
  ["Kofi", "Mensah"],
];
