package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestDeskCannedWrapUpHistory plays the Agent Desktop's data in the demo:
// accepting a chat opens Support's screen pop (the demo CRM) beside it
// with the customer's PSID; "/hel" + Enter inserts the greeting with the
// customer's and the agent's names, edited before sending; closing without
// the disposition a service requires is refused with the reason; when the
// customer writes again, the panel shows the earlier chat's notes, and its
// link opens the full transcript, read only; /desktop?chat=<id> opens it
// too.
func TestDeskCannedWrapUpHistory(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := openSimulator(t, browser, srv, "Jane", "Doe")
	psid := eval[string](sim, `JSON.parse(localStorage.getItem("parley.sim.customer")).psid`)
	sim.sendAsCustomer("Hello, my order is late")

	desk := loginAgent(t, browser, srv, "alice", "alice-demo", false)
	desk.goReady()
	desk.openChatWith("Jane Doe")

	// Screen pop: the demo CRM, filled with the chat's variables.
	desk.waitFor("the screen pop", `() => { const f = document.querySelector("#side-panel:not([hidden]) iframe#screen-pop"); return !!f && f.src.includes("/demo/crm?") }`)
	src := eval[string](desk, `document.querySelector("#screen-pop").src`)
	if !strings.Contains(src, "psid="+psid) || !strings.Contains(src, "name=Jane+Doe") {
		t.Errorf("screen pop src = %s, want psid=%s and name=Jane+Doe", src, psid)
	}
	// The CRM is another origin (here: the server behind the test's
	// proxy), so the page cannot look into the frame; the browser says
	// whether it loaded or was refused.
	desk.waitFrameLoaded("/demo/crm?")

	// Canned response: "/" opens the list, typing narrows it, Enter inserts.
	desk.do("type /", typeInto(chromedp.ID("composer"), "/"))
	desk.waitFor("the canned list", `() => document.querySelectorAll("#canned-menu .canned-option").length >= 5`)
	shortcuts := eval[[]string](desk, `[...document.querySelectorAll("#canned-menu .canned-option")].map((o) => o.dataset.shortcut)`)
	if !slices.Contains(shortcuts, "bye") || slices.Contains(shortcuts, "invoice") {
		t.Errorf("alice's list for a Support chat = %v, want her own /bye and not Billing's /invoice", shortcuts)
	}
	desk.do("type hel", typeInto(chromedp.ID("composer"), "hel"))
	desk.waitFor("/hello first", `() => document.querySelector('#canned-menu [aria-selected="true"]')?.dataset.shortcut === "hello"`)
	desk.screenshot("desk-canned-menu")
	desk.pressEnter()
	const greeting = "Hi Jane! I'm Alice Martin from Parley Demo Co. How can I help?"
	desk.waitFor("the filled greeting", `(want) => document.querySelector("#composer").value === want && !document.querySelector("#canned-menu")`, greeting)
	desk.do("edit it", typeInto(chromedp.ID("composer"), " Sorry about your order."))
	desk.screenshot("desk-canned-inserted")
	desk.do("send", chromedp.Click(chromedp.ID("send-button")))
	sim.waitText("#sim-thread .bubble.page", greeting+" Sorry about your order.")
	desk.screenshot("desk-screen-pop")

	// Wrap-up: a supervisor makes Support require a disposition.
	sam := apiLogin(t, srv.URL, "sam", "sam-demo")
	var dir struct{ Services []struct{ ID, Name string } }
	sam.call("GET", "/api/routing/directory", nil, &dir)
	support := ""
	for _, s := range dir.Services {
		if s.Name == "Support" {
			support = s.ID
		}
	}
	var desks map[string]any
	sam.call("GET", "/api/services/"+support+"/desk", nil, &desks)
	desks["disposition_required"] = true
	sam.call("PUT", "/api/services/"+support+"/desk", desks, nil)
	chatID := eval[string](desk, `[...document.querySelectorAll("#chat-list .chat-item")].find((li) => li.textContent.includes("Jane Doe")).dataset.chatId`)
	desk.waitFor("the wrap-up", `() => !document.querySelector("#wrapup").hidden`)

	desk.do("close without a disposition", chromedp.Click(chromedp.ID("close-chat")))
	desk.waitText("#wrapup-error", "Choose a disposition before closing: Support requires one.")
	desk.waitText("#wrapup label[for=wrapup-disposition]", "required")
	if eval[bool](desk, `document.querySelector("#composer").disabled`) {
		t.Fatal("the refused close closed the chat")
	}
	desk.screenshot("desk-disposition-required")
	desk.do("choose a disposition and write notes",
		chromedp.SetValue(chromedp.ID("wrapup-disposition"), "Resolved"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#wrapup-disposition").dispatchEvent(new Event("change"))`),
		typeInto(chromedp.ID("wrapup-notes"), "Refunded order A-17"),
		chromedp.Click(chromedp.ID("close-chat")),
	)
	desk.waitFor("the chat to close", `() => document.querySelector("#composer").disabled`)

	// The customer writes again: the panel shows the earlier chat.
	sim.sendAsCustomer("Hi again, one more question")
	desk.waitFor("a new chat from Jane", `(old) => [...document.querySelectorAll("#chat-list .chat-item, #offer-tray .offer-card")].some((e) =>
		e.textContent.includes("Jane Doe") && e.dataset.chatId !== old)`, chatID)
	desk.acceptOfferFrom("Jane Doe")
	desk.do("open the new chat", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const li = [...document.querySelectorAll("#chat-list .chat-item")].find((li) => li.textContent.includes("Jane Doe") && li.dataset.chatId !== %q); li && li.querySelector("button").click(); })()`, chatID)))
	desk.waitText("#customer-history .history-note", "Refunded order A-17")
	desk.waitFor("the history link", `(id) => !!document.querySelector('#customer-history a.history-link[data-chat="' + id + '"]')`, chatID)
	desk.screenshot("desk-customer-history")
	desk.do("open the earlier chat", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#customer-history a.history-link[data-chat=%q]`, chatID))))
	desk.waitFor("the read-only transcript", `() => document.querySelector("#history-dialog").open &&
		document.querySelector("#history-dialog .history-ro")?.textContent === "Read only"`)
	desk.waitText("#history-dialog .history-text", "Hello, my order is late")
	desk.waitText("#history-dialog .history-wrapup", "Resolved — Refunded order A-17")
	if n := eval[int](desk, `document.querySelectorAll("#history-dialog textarea, #history-dialog input, #history-dialog select").length`); n != 0 {
		t.Errorf("the earlier chat's transcript has %d fields to write in", n)
	}
	desk.screenshot("desk-history-transcript")

	// The deep link opens the same transcript.
	desk.do("open the deep link", chromedp.Navigate(srv.URL+"/desktop?chat="+chatID))
	desk.waitFor("the transcript from the link", `() => document.querySelector("#history-dialog")?.open &&
		[...document.querySelectorAll("#history-dialog .history-text")].some((e) => e.textContent.includes("Hello, my order is late"))`)
}

// TestCannedResponsesPage: an agent keeps her personal responses on the
// Canned responses page; one naming an unknown variable is refused with
// the variable's name; the shared lists are read only for her.
func TestCannedResponsesPage(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)
	page := loginAs(t, browser, srv, "bob", "bob-demo", "/desktop")
	page.do("open the page", chromedp.Navigate(srv.URL+"/canned"), chromedp.WaitVisible(chromedp.ID("new-canned")))
	page.waitFor("the list", `() => document.querySelectorAll("#canned-body tr[data-id]").length >= 4`)
	if n := eval[int](page, `[...document.querySelectorAll("#canned-body tr[data-id]")].filter((tr) => tr.textContent.includes("/bye")).length`); n != 0 {
		t.Errorf("bob sees alice's personal /bye")
	}
	if n := eval[int](page, `[...document.querySelectorAll("#canned-body tr[data-id] button")].length`); n != 0 {
		t.Errorf("bob may edit %d shared responses", n)
	}
	page.do("a new response with a typo",
		chromedp.Click(chromedp.ID("new-canned")),
		typeInto(chromedp.ID("c-title"), "Thanks"),
		typeInto(chromedp.ID("c-shortcut"), "/thanks"),
		typeInto(chromedp.ID("c-text"), "Thanks $(frist_name), bye!"),
		typeInto(chromedp.ID("c-quick"), "Bye, More help"),
		chromedp.Click(chromedp.CSS(`#canned-form button[type="submit"]`)),
	)
	page.waitText("#canned-error", "unknown variable $(frist_name)")
	page.screenshot("canned-page-error")
	page.do("fix it",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#c-text").value = ""`),
		typeInto(chromedp.ID("c-text"), "Thanks $(first_name), bye!"),
		chromedp.Click(chromedp.CSS(`#canned-form button[type="submit"]`)),
	)
	page.waitFor("the new response", `() => [...document.querySelectorAll("#canned-body tr[data-id]")].some((tr) =>
		tr.textContent.includes("/thanks") && tr.textContent.includes("Personal") && tr.textContent.includes("2 quick replies") && tr.querySelector("button"))`)
	page.screenshot("canned-page")
}

// TestDeskAfterChatWork: a chat transferred to Billing (which requires a
// disposition and has a 30-second After Chat Work) is closed by bob with
// a disposition; the desktop shows the countdown with its limit, and Done
// makes him Ready at once.
func TestDeskAfterChatWork(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := openSimulator(t, browser, srv, "Omar", "Reyes")
	sim.sendAsCustomer("Question about my invoice")
	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.goReady()
	alice.openChatWith("Omar Reyes")
	bob := loginAs(t, browser, srv, "bob", "bob-demo", "/desktop")
	bob.goReady()

	alice.do("open the transfer dialog", chromedp.Click(chromedp.ID("transfer-chat")), chromedp.WaitVisible(chromedp.ID("transfer-target")))
	billing := eval[string](alice, `[...document.querySelectorAll("#transfer-target option")].find((o) => o.textContent === "Billing").value`)
	alice.do("transfer to Billing", chromedp.SetValue(chromedp.ID("transfer-target"), billing), chromedp.Click(chromedp.ID("routing-submit")))

	bob.openChatWith("Omar Reyes")
	bob.waitFor("the wrap-up", `() => !document.querySelector("#wrapup").hidden`)
	bob.do("close without a disposition", chromedp.Click(chromedp.ID("close-chat")))
	bob.waitText("#wrapup-error", "Choose a disposition before closing: Billing requires one.")
	bob.do("choose one and close",
		chromedp.SetValue(chromedp.ID("wrapup-disposition"), "Paid"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#wrapup-disposition").dispatchEvent(new Event("change"))`),
		chromedp.Click(chromedp.ID("close-chat")),
	)
	bob.waitFor("After Chat Work with its limit", `() => !document.querySelector("#acw-bar").hidden &&
		/\d:\d\d left of 0:30/.test(document.querySelector("#acw-bar").textContent)`)
	bob.screenshot("desk-after-chat-work")
	bob.do("Done", chromedp.Click(chromedp.CSS("#acw-bar button")))
	bob.waitFor("Ready again", `() => document.querySelector("#acw-bar").hidden && document.querySelector("#status-select").dataset.state === "ready"`)
}

// waitFrameLoaded waits until a frame of the page shows a URL containing
// part, loaded: not blocked by a policy, not an error page.
func (tb *tab) waitFrameLoaded(part string) {
	tb.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	last := ""
	for {
		var tree *page.FrameTree
		tb.do("read the frame tree", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			res, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
			if err == nil {
				tree = res.FrameTree
			}
			return err
		}))
		var frames []string
		var walk func(*page.FrameTree) bool
		walk = func(ft *page.FrameTree) bool {
			if ft == nil || ft.Frame == nil {
				return false
			}
			frames = append(frames, ft.Frame.URL+" unreachable="+ft.Frame.UnreachableURL)
			if strings.Contains(ft.Frame.URL, part) && ft.Frame.UnreachableURL == "" {
				return true
			}
			for _, c := range ft.ChildFrames {
				if walk(c) {
					return true
				}
			}
			return false
		}
		if walk(tree) {
			return
		}
		last = strings.Join(frames, "; ")
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: no frame loaded %q within %s; frames: %s", tb.name, part, stepTimeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
