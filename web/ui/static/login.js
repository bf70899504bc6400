// login.js — signs the user in and sends them to the Agent Desktop.
import { post } from "./api.js";

const form = document.getElementById("login-form");
const username = document.getElementById("username");
// Asked only where there are several tenants; remembered on this browser,
// or given in the link (/login?tenant=acme).
const tenant = document.getElementById("tenant");
if (tenant) tenant.value = new URLSearchParams(location.search).get("tenant") || localStorage.getItem("parley.tenant") || "";
const password = document.getElementById("password");
const button = document.getElementById("login-button");
const errorBox = document.getElementById("login-error");

// Server messages may start in lower case; show them as sentences.
const sentence = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".") : "");

function showError(message) {
  errorBox.textContent = sentence(message);
  errorBox.hidden = !message;
  const invalid = message ? "true" : "false";
  username.setAttribute("aria-invalid", invalid);
  password.setAttribute("aria-invalid", invalid);
}

// Only same-site paths are followed after login.
function nextURL() {
  const next = new URLSearchParams(location.search).get("next");
  if (next && next.startsWith("/") && !next.startsWith("//")) return next;
  return "/desktop";
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const user = username.value.trim();
  if (!user || !password.value) {
    showError("Enter your username and password.");
    (user ? password : username).focus();
    return;
  }
  showError("");
  button.disabled = true;
  button.textContent = "Signing in…";
  try {
    const org = tenant ? tenant.value.trim().toLowerCase() : "";
    await post("/api/login", { username: user, password: password.value, ...(org ? { tenant: org } : {}) });
    if (tenant) localStorage.setItem("parley.tenant", org);
    location.assign(nextURL());
  } catch (err) {
    showError(err.status === 401 && !err.code ? "Wrong username or password." : err.message);
    password.select();
    password.focus();
    button.disabled = false;
    button.textContent = "Sign in";
  }
});
