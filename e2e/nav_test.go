package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPageHeader walks the shared header as a supervisor: the sections the
// role may open are linked, a page it may not open is a styled page that
// says so (with the header still there), and Log out works from any page.
func TestPageHeader(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sup := newTab(t, browser, "sam")
	sup.signIn(srv, "sam", "sam-demo", "/supervisor", "queues")
	sup.waitFor("the supervisor page with its header", `() => location.pathname === "/supervisor" &&
		document.querySelector('.topnav a[aria-current="page"]')?.textContent === "Supervisor"`)
	links := eval[[]string](sup, `[...document.querySelectorAll(".topnav a")].map((a) => a.textContent)`)
	want := []string{"Desktop", "Canned responses", "Tickets", "Supervisor", "Transcripts", "Evaluation forms", "Wallboard", "Reports", "Knowledge base", "Simulator"}
	if len(links) != len(want) {
		t.Fatalf("supervisor's header links = %q, want %q", links, want)
	}
	for i := range want {
		if links[i] != want[i] {
			t.Fatalf("supervisor's header links = %q, want %q", links, want)
		}
	}
	sup.screenshot("header-supervisor")

	sup.do("open an admin-only page", chromedp.Navigate(srv.URL+"/admin/accounts"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	sup.waitFor("the not-allowed page", `() => document.querySelector("main h1")?.textContent === "This page is not for your role" &&
		document.querySelector(".notice").textContent.includes("administrators") &&
		document.querySelector(".me-role").textContent === "supervisor"`)
	sup.screenshot("header-forbidden")

	sup.do("log out from the header", chromedp.Click(chromedp.CSS("[data-logout]")), chromedp.WaitVisible(chromedp.ID("login-form")))
	sup.waitFor("the login page", `() => location.pathname === "/login" && !!document.querySelector("#login-form")`)
}
