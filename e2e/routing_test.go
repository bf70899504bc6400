package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// acceptOfferFrom accepts the offer of the customer's chat if one comes;
// a chat that is already in the list (accepted before, or assigned
// without an offer) is left as it is.
func (tb *tab) acceptOfferFrom(name string) {
	tb.t.Helper()
	tb.waitFor("the chat or its offer", `(name) => [...document.querySelectorAll("#chat-list .chat-item, #offer-tray .offer-card")].some((e) => e.textContent.includes(name))`, name)
	if eval[bool](tb, fmt.Sprintf(`[...document.querySelectorAll("#offer-tray .offer-card")].some((e) => e.textContent.includes(%q))`, name)) {
		tb.do("accept the offer", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const b = [...document.querySelectorAll("#offer-tray .offer-card")].find((e) => e.textContent.includes(%q)).querySelector(".offer-accept"); b.scrollIntoView(); b.click() })()`, name)))
		tb.waitText("#chat-list .chat-item[data-chat-id]", name)
	}
}

// loginAs opens a page as user in a browser context of its own (another
// person on another computer).
func loginAs(t *testing.T, browser context.Context, srv *server, user, password, path string) *tab {
	t.Helper()
	tb := newTab(t, browser, user, chromedp.WithNewBrowserContext())
	tb.do("log in as "+user,
		chromedp.Navigate(srv.URL+path),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		typeInto(chromedp.ID("username"), user),
		typeInto(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID("conn-status")),
	)
	if path != "/desktop" {
		tb.do("open "+path, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.ID("conn-status")))
	}
	tb.waitFor("the page to be live", `() => document.querySelector("#conn-status")?.dataset.state === "live"`)
	return tb
}

// TestOfferRejectTransferConference is the routing walk-through of the
// demo: a chat is offered to the agent idle longest, who rejects it; it is
// offered to the next, who accepts, transfers it to a colleague with a
// note, and the colleague invites the first agent into a conference. The
// supervisor sees why each chat went where it went.
func TestOfferRejectTransferConference(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.goReady()
	bob := loginAs(t, browser, srv, "bob", "bob-demo", "/desktop")
	bob.goReady()

	sim := openSimulator(t, browser, srv, "Lena", "Park", chromedp.WithNewBrowserContext())
	sim.sendAsCustomer("My invoice is wrong")

	// Alice has been idle longest: the offer comes to her, with a countdown.
	alice.waitText("#offer-tray .offer-card", "Lena Park")
	alice.waitFor("the countdown", `() => Number(document.querySelector(".offer-card .offer-countdown").dataset.left) > 0`)
	alice.waitFor("the card to settle", `() => document.querySelector(".offer-card").getAnimations().every((a) => a.playState === "finished")`)
	alice.screenshot("desktop-offer")
	alice.do("reject", chromedp.Click(chromedp.CSS(".offer-card .offer-reject")))
	alice.waitFor("the offer to go", `() => !document.querySelector("#offer-tray .offer-card")`)

	// Re-offered to Bob, who accepts.
	bob.acceptOfferFrom("Lena Park")
	bob.openChatWith("Lena Park")
	bob.waitText("#transcript .msg.in", "My invoice is wrong")

	// Bob transfers to Alice with a note; she is offered it and accepts.
	bob.do("open the transfer dialog", chromedp.Click(chromedp.ID("transfer-chat")), chromedp.WaitVisible(chromedp.ID("transfer-target")))
	aliceID := eval[string](bob, `[...document.querySelectorAll("#transfer-target option")].find((o) => o.textContent === "Alice Martin").value`)
	bob.do("fill the transfer",
		chromedp.SetValue(chromedp.ID("transfer-target"), aliceID),
		typeInto(chromedp.ID("transfer-note"), "Billing question, order 4821"),
	)
	bob.screenshot("desktop-transfer")
	bob.do("transfer", chromedp.Click(chromedp.ID("routing-submit")))
	bob.waitFor("the chat to leave Bob", `() => ![...document.querySelectorAll("#chat-list .chat-item:not(.closed)")].some((li) => li.textContent.includes("Lena Park"))`)
	alice.acceptOfferFrom("Lena Park")
	alice.openChatWith("Lena Park")
	alice.waitText("#transcript .msg.event", "Note: Billing question, order 4821")
	alice.waitText("#transcript .msg.in", "My invoice is wrong")

	// Conference: Alice invites Bob; both write, the customer sees one thread.
	alice.do("open the invite dialog", chromedp.Click(chromedp.ID("invite-agent")), chromedp.WaitVisible(chromedp.ID("invite-target")))
	bobID := eval[string](alice, `[...document.querySelectorAll("#invite-target option")].find((o) => o.textContent.startsWith("Bob Chen")).value`)
	alice.do("invite Bob", chromedp.SetValue(chromedp.ID("invite-target"), bobID), chromedp.Click(chromedp.ID("routing-submit")))
	bob.openChatWith("Lena Park")
	alice.reply("Hi Lena, Alice here, I have your invoice", false)
	bob.waitText("#transcript .msg.out", "Alice here")
	bob.reply("Bob from billing joining to fix it", false)
	alice.waitText("#transcript .msg.out", "Bob from billing")
	sim.waitText("#sim-thread .bubble.page", "Alice here")
	sim.waitText("#sim-thread .bubble.page", "Bob from billing")
	alice.screenshot("desktop-conference")

	// The supervisor sees the queue, the agents and why the chat is with Alice.
	sup := loginAs(t, browser, srv, "sam", "sam-demo", "/supervisor")
	sup.waitFor("the view", `() => document.body.dataset.loaded === "true"`)
	sup.waitText("#chats tbody tr", "Lena Park")
	sup.waitText("#chats .why summary", "Alice Martin")
	sup.waitText("#agents tbody tr[data-agent=alice]", "Ready")
	sup.waitText("#queues tbody tr[data-service=Support]", "Longest idle")
	// The demo page's channel, with its token state.
	sup.waitText("#channels tbody tr", "parleydemo")
	sup.waitText("#channels tbody tr", "Active")

	// A chat waits while nobody is Ready; the supervisor raises its priority.
	for _, tb := range []*tab{alice, bob} {
		tb.chooseStatus("not_ready|Break")
	}
	sup.waitText("#agents tbody tr[data-agent=bob]", "Break")
	sim2 := openSimulator(t, browser, srv, "Omar", "Haddad", chromedp.WithNewBrowserContext())
	sim2.sendAsCustomer("Is anyone there?")
	sup.waitFor("Omar waiting", `() => [...document.querySelectorAll("#chats tbody tr[data-state=queued]")].some((r) => r.textContent.includes("Omar Haddad"))`)
	sup.waitFor("the queue count", `() => document.querySelector("#queues tbody tr[data-service=Support] .queue-waiting").textContent === "1"`)
	sup.do("raise the priority", chromedp.Evaluate[chromedp.Void](`(() => {
		const row = [...document.querySelectorAll("#chats tbody tr")].find((r) => r.textContent.includes("Omar Haddad"));
		row.querySelector(".prio-input").value = "5";
		row.querySelector(".prio-set").click();
	})()`))
	sup.waitFor("priority 5", `() => [...document.querySelectorAll("#chats tbody tr")].some((r) => r.textContent.includes("Omar Haddad") && r.querySelector(".prio-input").value === "5")`)
	sup.screenshot("supervisor")
}

// signIn logs tb in on the sign-in page and opens path. The page is opened
// again with chromedp's own navigation once the login has landed: actions
// by node right after a navigation the page's script started can hit the
// previous document's nodes ("Could not find node with given id").
func (tb *tab) signIn(srv *server, user, password, path, readyID string) {
	tb.t.Helper()
	tb.do("log in as "+user,
		chromedp.Navigate(srv.URL+"/login?next="+path),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		typeInto(chromedp.ID("username"), user),
		typeInto(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID(readyID)),
		chromedp.Navigate(srv.URL+path),
		chromedp.WaitVisible(chromedp.ID(readyID)),
	)
}
