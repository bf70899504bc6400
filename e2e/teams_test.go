package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminTeams: in Admin → Teams an admin creates a team; in Admin →
// Users puts an agent in it; the supervisor's agents grid shows the agent
// in the team, and its Team filter keeps only the team's agents. The
// team is then renamed, which the users list follows.
func TestAdminTeams(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/teams", "team-form")
	// The demo's teams, with their members.
	adm.waitFor("the demo's teams", `() => document.querySelector('#teams-body tr[data-team="Specialists"] .team-members')?.dataset.count === "2"`)
	adm.do("create a team",
		typeInto(chromedp.ID("t-name"), "Night shift"),
		typeInto(chromedp.ID("t-description"), "After 20:00"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("save-team").click()`),
	)
	adm.waitText(`#teams-body tr[data-team="Night shift"]`, "After 20:00")
	adm.waitText(`#teams-body tr[data-team="Night shift"] .team-members`, "none")
	adm.screenshot("admin-teams")

	// Admin → Users: alice moves from Tier 1 to Night shift.
	adm.do("open Users", chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("user-form")))
	adm.waitText(`#users-body tr[data-user="alice"] .user-team`, "Tier 1")
	adm.do("edit alice", chromedp.Evaluate[chromedp.Void](`document.querySelector('#users-body tr[data-user="alice"] .row-buttons button').click()`))
	adm.waitFor("alice's team in the form", `() => document.querySelector("#u-username").disabled && document.querySelector("#u-team").value === "Tier 1" &&
		[...document.querySelectorAll("#u-team option")].some((o) => o.value === "Night shift")`)
	adm.do("put alice in Night shift",
		chromedp.SetValue(chromedp.ID("u-team"), "Night shift"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("save-user").click()`), // the form scrolls smoothly into view
	)
	adm.waitText(`#users-body tr[data-user="alice"] .user-team`, "Night shift")
	adm.screenshot("admin-users-team")

	// The supervisor's agents grid shows it, and filters by it.
	sam := loginAs(t, browser, srv, "sam", "sam-demo", "/supervisor")
	sam.waitText(`#agents tbody tr[data-agent="alice"] .agent-team`, "Night shift")
	sam.waitText(`#agents tbody tr[data-agent="cleo"] .agent-team`, "Specialists")
	sam.waitFor("the Team filter's options", `() => [...document.querySelectorAll("#team-filter option")].map((o) => o.textContent).join() === "All teams,Night shift,Specialists"`)
	sam.do("keep Specialists", chromedp.Evaluate[chromedp.Void](`const s = document.getElementById("team-filter"); s.value = "team:Specialists"; s.dispatchEvent(new Event("change"))`))
	sam.waitFor("only the Specialists", `() => [...document.querySelectorAll("#agents tbody tr")].map((tr) => tr.dataset.agent).sort().join() === "bob,cleo"`)
	sam.screenshot("supervisor-team-filter")

	// A rename reaches the users list.
	adm.do("open Teams", chromedp.Navigate(srv.URL+"/admin/teams"), chromedp.WaitVisible(chromedp.ID("team-form")))
	adm.waitText(`#teams-body tr[data-team="Night shift"] .team-members`, "alice")
	adm.do("rename Night shift", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#teams-body tr[data-team="Night shift"] button')].find((b) => b.textContent === "Rename").click()`))
	adm.waitFor("the rename form", `() => document.querySelector("#t-name").value === "Night shift"`)
	adm.do("type the new name", chromedp.Evaluate[chromedp.Void](`document.getElementById("t-name").value = "Late shift"; document.getElementById("save-team").click()`))
	adm.waitText(`#teams-body tr[data-team="Late shift"] .team-members`, "alice")
	adm.do("open Users again", chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("user-form")))
	adm.waitText(`#users-body tr[data-user="alice"] .user-team`, "Late shift")
}
