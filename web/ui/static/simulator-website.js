// simulator-website.js — the demo shop's Send to Messenger buttons (the
// product's and the help centre's). The simulator plays Facebook: a click
// posts the messaging_optins webhook (optin.ref = the button's data-ref)
// for the simulator's Messenger customer, the one logged in to Facebook in
// this browser, then opens the simulator, where the bot's answer arrives.
import { post } from "./api.js";
import { CHANNELS, CHANNEL_KEY, NAMES, customerKey } from "./simulator-channels.js";
import { load, save } from "./simulator-thread.js";

const $ = (id) => document.getElementById(id);
const el = { who: $("stm-who"), notYou: $("stm-not-you") };
// Each button with the status line of its box.
const buttons = [
  [$("stm-button"), $("stm-status")],
  [$("help-button"), $("help-status")],
];
const messenger = CHANNELS.messenger;

// stored is the simulator's Messenger customer in this browser, if any.
function stored() {
  const c = load(customerKey("messenger"), null);
  if (c && !c.user) c.user = c.psid; // saved by the Messenger-only simulator
  return c && messenger.validUser(c.user || "") && c.first_name ? c : null;
}

// someone is a new customer with a suggested name other than not's.
function someone(not) {
  const names = NAMES.filter(([f]) => !not || f !== not.first_name);
  const [first, last] = names[Math.floor(Math.random() * names.length)];
  const user = messenger.newUser();
  return { user, psid: user, first_name: first, last_name: last };
}

let customer = stored() || someone(null);

function show() {
  el.who.textContent = `Logged in to Messenger as ${customer.first_name} ${customer.last_name || ""}`.trim() + ".";
}

function status(line, text, failed) {
  line.textContent = text;
  line.dataset.failed = String(!!failed);
  line.hidden = !text;
}

el.notYou.addEventListener("click", () => {
  customer = someone(customer);
  for (const [, line] of buttons) status(line, "");
  show();
});

for (const [button, line] of buttons) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    status(line, "Sending…");
    try {
      await post("/simulator/api/send", {
        channel: "messenger",
        user: customer.user,
        first_name: customer.first_name,
        last_name: customer.last_name,
        optin: { ref: button.dataset.ref },
      });
    } catch (err) {
      button.disabled = false;
      status(line, err.message, true);
      return;
    }
    // The simulator goes on with this customer on its Messenger tab.
    save(customerKey("messenger"), customer);
    save(CHANNEL_KEY, "messenger");
    status(line, "Thank you! We have written to you in Messenger.");
    location.assign("/simulator#messenger");
  });
}

show();
