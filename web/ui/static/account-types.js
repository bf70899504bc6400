// account-types.js — what the Admin form asks for each kind of integration
// account. A field's key is an account field (page_id, access_token, …) or
// "settings.<name>" for the channel's own properties. Secret fields are
// never sent back by the server; left empty on edit they stay as they are.
const baseURL = (def) => ({ key: "api_base_url", label: "API base URL", placeholder: `${def} (default)`, type: "url" });

export const TYPES = {
  facebook: {
    label: "Facebook Messenger",
    fields: [
      { key: "page_username", label: "Page username", placeholder: "acme" },
      { key: "page_id", label: "Page ID", required: true, inputmode: "numeric" },
      { key: "access_token", label: "Page access token", secret: true },
      { key: "app_secret", label: "App secret", secret: true },
      { key: "verify_token", label: "Webhook verify token", secret: true, generate: true },
      baseURL("https://graph.facebook.com"),
      { key: "human_agent", label: "Human agent permission", checkbox: "The page may send HUMAN_AGENT-tagged replies up to 7 days after the customer's last message" },
    ],
  },
  telegram: {
    label: "Telegram",
    setWebhook: true,
    fields: [
      { key: "page_username", label: "Bot username", placeholder: "acme_bot" },
      { key: "access_token", label: "Bot token", secret: true, placeholder: "123456:ABC…" },
      { key: "verify_token", label: "Webhook secret token", secret: true, generate: true },
      baseURL("https://api.telegram.org"),
    ],
  },
  line: {
    label: "LINE",
    setWebhook: true,
    fields: [
      { key: "page_username", label: "Basic ID", placeholder: "@acme" },
      { key: "page_id", label: "Bot user ID", placeholder: "U… (shown by Test Connection)" },
      { key: "access_token", label: "Channel access token", secret: true },
      { key: "app_secret", label: "Channel secret", secret: true },
      baseURL("https://api.line.me"),
    ],
  },
  viber: {
    label: "Viber",
    setWebhook: true,
    fields: [
      { key: "page_username", label: "Bot username", placeholder: "acme" },
      { key: "access_token", label: "Auth token", secret: true },
      { key: "settings.sender_name", label: "Sender name", required: true, maxlength: 28 },
      { key: "settings.sender_avatar", label: "Sender avatar URL", type: "url" },
      { key: "settings.welcome_message", label: "Welcome message", textarea: true },
      baseURL("https://chatapi.viber.com"),
    ],
  },
  vonage: {
    label: "Vonage (Nexmo)",
    fields: [
      { key: "settings.api_key", label: "API key", required: true },
      { key: "app_secret", label: "API secret", secret: true },
      { key: "settings.application_id", label: "Application ID" },
      { key: "settings.private_key", label: "Private key (PEM)", secret: true, textarea: true },
      { key: "verify_token", label: "Signature secret", secret: true },
      { key: "settings.route", label: "Route", choices: ["messenger", "viber_service", "sms", "whatsapp"] },
      { key: "settings.from", label: "From (the business's id on the route)", required: true },
      baseURL("https://api.nexmo.com"),
    ],
  },
  webchat: {
    label: "Web chat widget",
    fields: [
      { key: "page_id", label: "Widget ID", placeholder: "acme-site (any unique name)" },
      { key: "app_secret", label: "Visitor token secret", secret: true, generate: true },
      { key: "settings.allowed_origins", label: "Allowed origins", placeholder: "https://www.acme.com, https://shop.acme.com" },
      { key: "settings.title", label: "Panel title", placeholder: "the account's name" },
      { key: "settings.greeting", label: "Greeting", textarea: true },
      { key: "settings.prechat_fields", label: "Pre-chat fields", placeholder: "name,email" },
    ],
  },
};

// label is what the Admin page calls an account type.
export const label = (type) => (TYPES[type] ? TYPES[type].label : type);

// valueOf reads a field's value from an account as the server sends it.
export function valueOf(account, key) {
  if (!account) return "";
  if (key.startsWith("settings.")) return (account.settings || {})[key.slice(9)] || "";
  return account[key] ?? "";
}

// isSet says whether a secret field has a stored value.
export function isSet(account, key) {
  if (!account) return false;
  if (key.startsWith("settings.")) return (account.secret_settings_set || []).includes(key.slice(9));
  if (key === "access_token") return !!account.access_token_hint;
  return !!account[`${key}_set`];
}
