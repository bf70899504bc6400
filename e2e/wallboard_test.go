package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWallboardTurnsRed: an admin lowers Support's maximum wait to 1 s in
// the wallboard's thresholds form; a customer writes while no agent is
// ready, and the live wallboard turns Support red, with an alert, without
// a reload.
func TestWallboardTurnsRed(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	admin := loginAs(t, browser, srv, "admin", "admin-demo", "/wallboard")
	admin.waitFor("the board", `() => document.body.dataset.loaded === "true" && document.querySelector('.wb-service[data-service="Support"]')`)
	admin.waitFor("Support green", `() => document.querySelector('.wb-service[data-service="Support"]').dataset.level !== "alert"`)
	admin.screenshot("wallboard-before")

	admin.waitFor("the thresholds form", `() => document.querySelector('.th-form[data-service="Support"]')`)
	admin.do("set a 1 s maximum wait",
		chromedp.SetValue(chromedp.CSS(`.th-form[data-service="Support"] input[name="max_wait_seconds"]`), "1"),
		chromedp.Click(chromedp.CSS(`.th-form[data-service="Support"] button[type="submit"]`)),
	)
	admin.waitText("#toast", "Thresholds of Support saved.")

	sim := openSimulator(t, browser, srv, "Wanda", "Wait", chromedp.WithNewBrowserContext())
	sim.sendAsCustomer("Is anyone there?")

	admin.waitFor("Support waiting 1", `() => document.querySelector('.wb-service[data-service="Support"] .wb-value').textContent === "1"`)
	admin.waitFor("Support red", `() => document.querySelector('.wb-service[data-service="Support"]').dataset.level === "alert"`)
	admin.waitText("#alerts .wb-alert.level-alert", "Support: longest wait")
	admin.do("scroll to the top", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("main, .app, html").forEach((e) => e.scrollTo(0, 0))`))
	admin.screenshot("wallboard-red")
}

// TestReportsPage: the supervisor opens the reports on the demo's seeded
// history: every table is there with its CSV link, the services table has
// Support's figures for the week, the chart is drawn, and the quality table
// has the seeded evaluations.
func TestReportsPage(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sam := loginAs(t, browser, srv, "sam", "sam-demo", "/supervisor")
	sam.do("open the reports", chromedp.Navigate(srv.URL+"/reports"))
	sam.waitFor("the report", `() => document.body.dataset.loaded === "true"`)
	for _, name := range []string{"services", "agents", "intervals", "interactions", "dispositions", "surveys", "quality"} {
		sam.waitFor("table "+name, `(n) => document.querySelector('[data-table="' + n + '"] a[href^="/api/reports/' + n + '/csv?"]')`, name)
	}
	sam.waitFor("Support offered chats", `() => {
		const row = [...document.querySelectorAll("#table-services tbody tr")].find((r) => r.cells[0].textContent === "Support");
		return row && Number(row.cells[1].textContent) > 0;
	}`)
	sam.waitFor("the chart", `() => document.querySelectorAll("#chart svg rect.bar-offered").length > 0`)
	sam.waitFor("the demo's graded chats", `() => [...document.querySelectorAll("#table-quality tbody tr")].some((r) => Number(r.cells[2].textContent) > 0)`)
	sam.screenshot("reports")
}
