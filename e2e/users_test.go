package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminUsers: in Admin → Services an admin creates a service with its
// dispositions; in Admin → Entries points the web chat widget at it; in Admin → Users an agent of it, who signs in; gives her a
// skill; deactivates her, which signs her out of the
// desktop she has open and refuses her sign-in with the reason;
// reactivates her and resets her password, which she then signs in with.
func TestAdminUsers(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/users", "user-form")
	// The header keeps Admin's pages in one menu; Services is reached there.
	adm.do("open the Admin menu", chromedp.Click(chromedp.CSS(".topnav-menu > summary")))
	adm.waitFor("the Admin menu", `() => document.querySelector(".topnav-menu").open &&
		document.querySelector(".topnav-menu > summary").getAttribute("aria-current") === "page" &&
		[...document.querySelectorAll(".topnav-dropdown a")].map((a) => a.textContent).join() === "Accounts,Users,Teams,Services,Scenarios,Entries,Schedules,Webhooks,API keys,Audit"`)
	adm.screenshot("header-admin-menu")
	// A new service first, with its dispositions.
	adm.do("open Services", chromedp.Click(chromedp.CSS(`.topnav-dropdown a[href="/admin/services"]`)), chromedp.WaitVisible(chromedp.ID("service-form")))
	adm.do("reload Services", chromedp.Navigate(srv.URL+"/admin/services"), chromedp.WaitVisible(chromedp.ID("service-form")))
	adm.waitFor("the demo's services", `() => !!document.querySelector('#services-body tr[data-service="Support"]')`)
	adm.do("fill in a service",
		typeInto(chromedp.ID("s-name"), "Returns"),
		chromedp.SetValue(chromedp.ID("s-strategy"), "least_busy"),
		typeInto(chromedp.ID("s-dispositions"), "Refund issued\nExchanged"),
		chromedp.Click(chromedp.ID("s-disp-required")),
		chromedp.Click(chromedp.ID("save-service")),
	)
	adm.waitText(`#services-body tr[data-service="Returns"]`, "Refund issued, Exchanged (required)")
	adm.waitText(`#services-body tr[data-service="Returns"]`, "least busy")
	adm.screenshot("admin-services")

	// The demo's web chat widget answers for Returns from now on.
	adm.do("open Entries", chromedp.Navigate(srv.URL+"/admin/entries"), chromedp.WaitVisible(chromedp.ID("entry-form")))
	adm.waitFor("the demo's entries", `() => document.querySelectorAll("#entries-body tr[data-entry]").length > 0 &&
		[...document.querySelectorAll("#e-service option")].some((o) => o.value === "Returns")`)
	entry := eval[string](adm, `[...document.querySelectorAll("#entries-body tr[data-entry]")].find((tr) => tr.textContent.includes("(webchat)")).dataset.entry`)
	adm.do("edit the web chat entry",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#entries-body tr[data-entry]")].find((tr) => tr.textContent.includes("(webchat)")).querySelector("button").click()`),
		chromedp.SetValue(chromedp.ID("e-service"), "Returns"),
		// Clicked in the page: the form scrolls into view smoothly, and a
		// click at coordinates taken mid-scroll lands beside the button.
		chromedp.Evaluate[chromedp.Void](`document.getElementById("save-entry").click()`),
	)
	adm.waitText(`#entries-body tr[data-entry="`+entry+`"]`, "Returns")
	adm.screenshot("admin-entries")

	adm.do("open Users", chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("user-form")))
	adm.waitFor("the demo's users", `() => !!document.querySelector('#users-body tr[data-user="alice"]')`)
	adm.waitFor("the services to pick", `() => !!document.querySelector('#u-services input[value="Returns"]')`)
	adm.do("fill in a new agent",
		typeInto(chromedp.ID("u-username"), "dana"),
		typeInto(chromedp.ID("u-display"), "Dana Reyes"),
		chromedp.Click(chromedp.CSS(`#u-services input[value="Returns"]`)),
		typeInto(chromedp.ID("u-skills"), "billing: 80"),
		typeInto(chromedp.ID("u-password"), "dana-pass-1"),
		chromedp.Click(chromedp.ID("save-user")),
	)
	adm.waitText(`#users-body tr[data-user="dana"]`, "billing: 80")
	adm.waitText(`#users-body tr[data-user="dana"]`, "Returns")

	dana := loginAs(t, browser, srv, "dana", "dana-pass-1", "/desktop")
	dana.waitText(".me-name", "Dana Reyes")

	// An edit: a second skill.
	adm.do("edit dana", chromedp.Click(chromedp.CSS(`#users-body tr[data-user="dana"] .row-buttons button`)))
	adm.waitFor("the edit form", `() => document.querySelector("#u-username").disabled && document.querySelector("#u-display").value === "Dana Reyes"`)
	adm.do("add a skill",
		typeInto(chromedp.ID("u-skills"), "\nspanish: 60"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("save-user").click()`), // the form scrolls smoothly into view
	)
	adm.waitText(`#users-body tr[data-user="dana"]`, "spanish: 60")
	adm.screenshot("admin-users")

	// Deactivated: her open desktop goes to the sign-in page, and signing
	// in says why it is refused.
	adm.do("deactivate dana", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#users-body tr[data-user="dana"] button')].find((b) => b.textContent === "Deactivate").click()`))
	adm.waitFor("dana shown deactivated", `() => document.querySelector('#users-body tr[data-user="dana"]')?.dataset.active === "false"`)
	// The desktop goes to the sign-in page by itself: waited for by node,
	// which survives the navigation (a polled script does not).
	dana.do("wait for the sign-in page", chromedp.WaitVisible(chromedp.ID("login-form")))
	dana.do("try to sign in",
		typeInto(chromedp.ID("username"), "dana"),
		typeInto(chromedp.ID("password"), "dana-pass-1"),
		chromedp.Click(chromedp.ID("login-button")),
	)
	dana.waitText("#login-error:not([hidden])", "deactivated")
	dana.screenshot("login-deactivated")

	// Reactivated with a new password.
	adm.do("reactivate dana", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#users-body tr[data-user="dana"] button')].find((b) => b.textContent === "Reactivate").click()`))
	adm.waitFor("dana active", `() => document.querySelector('#users-body tr[data-user="dana"]')?.dataset.active === "true"`)
	adm.do("reset her password",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#users-body tr[data-user="dana"] button')].find((b) => b.textContent === "Reset password").click()`),
		chromedp.WaitVisible(chromedp.ID("new-password")),
		typeInto(chromedp.ID("new-password"), "dana-pass-2"),
		chromedp.Click(chromedp.ID("set-password")),
	)
	adm.waitText("#toast", "new password")
	dana.do("sign in with the new password",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		typeInto(chromedp.ID("username"), "dana"),
		typeInto(chromedp.ID("password"), "dana-pass-2"),
		chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID("conn-status")),
	)

	// Not Ready reasons: the admin's list is what dana's desktop offers.
	adm.waitFor("the reasons form", `() => document.querySelector("#reasons-form").dataset.loaded === "true" && document.querySelector("#reasons").value.split("\n").includes("Lunch")`)
	adm.do("write the reasons", chromedp.Evaluate[chromedp.Void](`document.querySelector("#reasons").value = "Coaching\nno answer"; document.querySelector("#save-reasons").click()`))
	adm.waitText("#reasons-error:not([hidden])", "given by Parley itself")
	adm.do("fix them", chromedp.Evaluate[chromedp.Void](`document.querySelector("#reasons").value = "Coaching\nEmail backlog"; document.querySelector("#save-reasons").click()`))
	adm.waitText("#toast", "Coaching, Email backlog")
	dana.do("reload the desktop", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("conn-status")))
	dana.waitFor("the new reasons in the status menu", `() => { const o = [...document.querySelectorAll("#status-select option")].map((x) => x.textContent);
		return o.includes("Not ready · Coaching") && o.includes("Not ready · Email backlog") && !o.includes("Not ready · Lunch") }`)
}
