// admin-schedules.js — Admin → Schedules: weekly opening hours, time zone
// and holidays that services and entries name.
import { get, put, del } from "./api.js";
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);
// time.Weekday numbers, listed Monday first as people read a week.
const DAYS = [[1, "Mon"], [2, "Tue"], [3, "Wed"], [4, "Thu"], [5, "Fri"], [6, "Sat"], [0, "Sun"]];
let catalog = null;
let holidays = [];

function daysText(days) {
  const set = new Set(days);
  const on = DAYS.filter(([d]) => set.has(d)).map(([, name]) => name);
  if (on.length === 7) return "every day";
  const order = DAYS.map(([d]) => d);
  const idx = days.map((d) => order.indexOf(d)).sort((a, b) => a - b);
  const run = idx.length > 2 && idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
  return run ? `${DAYS[idx[0]][1]}–${DAYS[idx[idx.length - 1]][1]}` : on.join(", ");
}

const hoursText = (sc) => sc.hours.map((s) => `${daysText(s.days)} ${s.from}–${s.to}`).join("; ") || "never open";

function row(sc) {
  const used = [...sc.services.map((n) => `service ${n}`), ...sc.entries.map((n) => `entry ${n}`)];
  return h("tr", { "data-schedule": sc.name },
    h("td", {}, h("strong", { text: sc.name }), h("div", { class: "muted", text: sc.timezone || "UTC" })),
    h("td", { text: hoursText(sc) }),
    h("td", { text: (sc.holidays || []).join(", ") || "—" }),
    h("td", { text: used.join(", ") || "—" }),
    h("td", {}, h("span", { class: `pill ${sc.open_now ? "pill-open" : "pill-closed"}`, text: sc.open_now ? "open" : "closed" })),
    h("td", {}, h("div", { class: "row-buttons" },
      h("button", { class: "btn btn-ghost", type: "button", text: "Edit", onclick: () => edit(sc) }),
      h("button", { class: "btn btn-ghost", type: "button", text: "Delete", onclick: () => remove(sc) }))));
}

function spanItem(span) {
  const set = new Set(span.days);
  return h("li", { class: "span-row" },
    h("span", { class: "span-days" }, ...DAYS.map(([d, name]) =>
      h("label", { class: "check day-check" }, h("input", { type: "checkbox", value: String(d), checked: set.has(d), "aria-label": name }), ` ${name}`))),
    h("input", { type: "time", class: "span-from", value: span.from, required: true, "aria-label": "from" }),
    h("span", { text: "to" }),
    h("input", { type: "text", class: "span-to", value: span.to, required: true, pattern: "([01][0-9]|2[0-3]):[0-5][0-9]|24:00", size: "5", "aria-label": "to", title: "HH:MM, or 24:00 for the end of the day" }),
    h("button", { class: "btn btn-ghost", type: "button", text: "Remove", onclick: (e) => e.target.closest("li").remove() }));
}

function drawHolidays() {
  $("sc-holidays").replaceChildren(...holidays.map((d) => h("li", {}, h("span", { text: d }), " ",
    h("button", { class: "btn btn-ghost", type: "button", text: "Remove", "aria-label": `Remove ${d}`,
      onclick: () => { holidays = holidays.filter((x) => x !== d); drawHolidays(); } }))));
}

function fill(sc) {
  $("sc-tz").value = sc.timezone || "UTC";
  $("sc-spans").replaceChildren(...sc.hours.map(spanItem));
  holidays = [...(sc.holidays || [])];
  drawHolidays();
}

function readSpans() {
  return [...$("sc-spans").children].map((li) => ({
    days: [...li.querySelectorAll(".span-days input:checked")].map((c) => Number(c.value)),
    from: li.querySelector(".span-from").value,
    to: li.querySelector(".span-to").value.trim(),
  }));
}

async function load() {
  catalog = await get("/api/admin/schedules");
  $("schedules-body").replaceChildren(...catalog.schedules.map(row));
  if (!catalog.schedules.length) $("schedules-body").append(h("tr", {}, h("td", { colspan: "6", class: "muted", text: "No schedules yet: services and entries are open at all hours." })));
}

function edit(sc) {
  $("schedule-form-title").textContent = `Edit ${sc.name}`;
  $("sc-name").value = sc.name;
  $("sc-name").readOnly = true;
  fill(sc);
  $("cancel-schedule").hidden = false;
  $("schedule-error").hidden = true;
  $("schedule-form").scrollIntoView({ behavior: "smooth", block: "start" });
}

function reset() {
  $("schedule-form").reset();
  $("sc-name").readOnly = false;
  fill(catalog ? catalog.default : { timezone: "UTC", hours: [], holidays: [] });
  $("schedule-form-title").textContent = "New schedule";
  $("cancel-schedule").hidden = true;
  $("schedule-error").hidden = true;
}

function toast(text) {
  $("toast").textContent = text;
  $("toast").hidden = false;
  setTimeout(() => ($("toast").hidden = true), 4000);
}

async function remove(sc) {
  if (!confirm(`Delete the schedule ${sc.name}?`)) return;
  try {
    await del(`/api/admin/schedules/${encodeURIComponent(sc.name)}`);
    await load();
  } catch (err) {
    toast(err.message);
  }
}

$("sc-add-span").addEventListener("click", () => $("sc-spans").append(spanItem({ days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00" })));
$("sc-add-holiday").addEventListener("click", () => {
  const d = $("sc-holiday").value;
  if (!d || holidays.includes(d)) return;
  holidays = [...holidays, d].sort();
  $("sc-holiday").value = "";
  drawHolidays();
});
$("schedule-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("schedule-error").hidden = true;
  try {
    const saved = await put("/api/admin/schedules", { name: $("sc-name").value.trim(), timezone: $("sc-tz").value.trim(), hours: readSpans(), holidays });
    toast(`${saved.name} saved: ${saved.open_now ? "open" : "closed"} now.`);
    reset();
    await load();
  } catch (err) {
    $("schedule-error").textContent = err.message;
    $("schedule-error").hidden = false;
  }
});
$("cancel-schedule").addEventListener("click", reset);

// The browser knows the IANA zones; offer them as suggestions.
if (Intl.supportedValuesOf) $("sc-zones").replaceChildren(...Intl.supportedValuesOf("timeZone").map((z) => h("option", { value: z })));

try {
  await load();
} catch (err) {
  toast(err.message);
}
reset();
