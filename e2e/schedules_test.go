package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminSchedules: in Admin → Schedules an admin sees the demo's office
// hours and who uses them, writes a new schedule from the Mon–Fri
// 09:00–18:00 it starts with (a refused span says why), adds a holiday;
// in Admin → Services gives it to a service with an after-hours message
// and switches another service off.
func TestAdminSchedules(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/schedules", "schedule-form")
	adm.waitText(`#schedules-body tr[data-schedule="business-hours"]`, "Mon–Fri 09:00–18:00")
	adm.waitText(`#schedules-body tr[data-schedule="business-hours"]`, "service Billing")
	adm.waitText(`#schedules-body tr[data-schedule="office"]`, "entry Messenger")
	// A new schedule starts as Monday to Friday, 09:00 to 18:00.
	adm.waitFor("the default hours", `() => { const rows = document.querySelectorAll("#sc-spans li"); return rows.length === 1 &&
		[...rows[0].querySelectorAll(".span-days input:checked")].map((c) => c.value).join() === "1,2,3,4,5" &&
		rows[0].querySelector(".span-from").value === "09:00" && rows[0].querySelector(".span-to").value === "18:00" }`)

	adm.do("write a weekend schedule that ends before it starts",
		typeInto(chromedp.ID("sc-name"), "Weekend desk"),
		chromedp.Evaluate[chromedp.Void](`(() => {
			for (const c of document.querySelectorAll("#sc-spans .span-days input")) c.checked = c.value === "6" || c.value === "0";
			document.querySelector("#sc-spans .span-to").value = "08:00";
		})()`),
		chromedp.Click(chromedp.ID("save-schedule")),
	)
	adm.waitText("#schedule-error", "08:00 is not after 09:00")
	adm.do("fix it and add a holiday",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#sc-spans .span-to").value = "17:00"`),
		chromedp.SetValue(chromedp.ID("sc-holiday"), "2026-12-27"),
		chromedp.Click(chromedp.ID("sc-add-holiday")),
	)
	adm.waitText("#sc-holidays", "2026-12-27")
	adm.do("save it", chromedp.Click(chromedp.ID("save-schedule")))
	adm.waitText(`#schedules-body tr[data-schedule="Weekend desk"]`, "Sat, Sun 09:00–17:00")
	adm.waitText(`#schedules-body tr[data-schedule="Weekend desk"]`, "2026-12-27")
	adm.screenshot("admin-schedules")

	// Services: Support gets the weekend hours and a message; Billing is
	// switched off.
	adm.do("open Services", chromedp.Navigate(srv.URL+"/admin/services"), chromedp.WaitVisible(chromedp.ID("service-form")))
	adm.waitFor("the schedules to pick", `() => [...document.querySelectorAll("#s-schedule option")].some((o) => o.value === "Weekend desk") &&
		!!document.querySelector('#services-body tr[data-service="Support"]')`)
	adm.do("edit Support",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#services-body tr[data-service="Support"] button').click()`),
		chromedp.SetValue(chromedp.ID("s-schedule"), "Weekend desk"),
		typeInto(chromedp.ID("s-after-hours"), "Our weekend desk opens on Saturday at 09:00."),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-service").click()`),
	)
	adm.waitText(`#services-body tr[data-service="Support"] .service-hours`, "Weekend desk")
	adm.do("switch Billing off",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#services-body tr[data-service="Billing"] button').click()`),
		chromedp.WaitVisible(`#s-schedule`),
	)
	adm.waitFor("Billing's hours in the form", `() => document.querySelector("#s-schedule").value === "business-hours" &&
		document.querySelector("#s-after-hours").value.startsWith("Billing is open") && document.querySelector("#s-enabled").checked`)
	// The form scrolls smoothly into view: click through the page, not at
	// coordinates that are still moving.
	adm.do("uncheck Enabled and save", chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-enabled").click(); document.querySelector("#save-service").click()`))
	adm.waitText(`#services-body tr[data-service="Billing"] .service-hours`, "switched off")
	adm.screenshot("admin-services-hours")

	// The schedules page now names Support as a user of the new schedule.
	adm.do("back to Schedules", chromedp.Navigate(srv.URL+"/admin/schedules"), chromedp.WaitVisible(chromedp.ID("schedule-form")))
	adm.waitText(`#schedules-body tr[data-schedule="Weekend desk"]`, "service Support")
}
