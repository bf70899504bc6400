package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// atBottom is true when the transcript shows its newest message.
const atBottom = `() => { const t = document.querySelector("#transcript"); return t.scrollHeight - t.scrollTop - t.clientHeight < 4 }`

// TestDeskFollowAndLayout: the transcript keeps following new messages
// after an image arrives, and says "New messages" when the agent reads
// further up (issue 10 defect 2); at 1280×720 an offer never covers Send,
// below 1024 px the customer panel becomes a drawer behind a button, and
// at phone width nothing runs off the screen (defect 9).
func TestDeskFollowAndLayout(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.do("a 1280×720 screen", chromedp.EmulateViewport(1280, 720))
	alice.goReady()
	mia := openSimulator(t, browser, srv, "Mia", "Lopez", chromedp.WithNewBrowserContext())
	mia.sendAsCustomer("Hi, my screen is cracked")
	alice.acceptOfferFrom("Mia Lopez")
	alice.openChatWith("Mia Lopez")
	for _, text := range []string{"It fell on the floor", "The phone still works", "Can you repair it?", "How long would it take?"} {
		mia.sendAsCustomer(text)
	}
	alice.waitText("#transcript .msg.in", "How long would it take?")
	alice.waitFor("the transcript at the bottom", atBottom)

	// A photo, then a line: the transcript follows both.
	mia.do("send a photo", chromedp.Click(chromedp.ID("sim-photo")))
	alice.waitFor("the photo", `() => { const i = document.querySelector("#transcript .att-image img"); return i && i.complete && i.naturalWidth > 0 }`)
	mia.sendAsCustomer("This is how it looks")
	alice.waitText("#transcript .msg.in", "This is how it looks")
	alice.waitFor("the transcript to follow after the image", atBottom)

	// Reading further up: a new message shows the hint instead of jumping.
	alice.do("scroll up", chromedp.Evaluate[chromedp.Void](`document.querySelector("#transcript").scrollTop = 0`))
	alice.waitFor("the scroll to settle", `() => document.querySelector("#transcript").scrollTop === 0`)
	mia.sendAsCustomer("Hello?")
	alice.waitText("#transcript .msg.in", "Hello?")
	alice.waitFor("the New messages hint", `() => !document.querySelector("#new-messages").hidden`)
	if eval[float64](alice, `document.querySelector("#transcript").scrollTop`) != 0 {
		t.Error("the transcript jumped while the agent read further up")
	}
	alice.screenshot("desk-new-messages")
	alice.do("click the hint", chromedp.Click(chromedp.ID("new-messages")))
	alice.waitFor("the newest message", atBottom)
	alice.waitFor("the hint to go", `() => document.querySelector("#new-messages").hidden`)

	// A second customer's offer at 1280×720 leaves Send free.
	noah := openSimulator(t, browser, srv, "Noah", "Kim", chromedp.WithNewBrowserContext())
	noah.sendAsCustomer("Do you sell chargers?")
	alice.waitText("#offer-tray .offer-card", "Noah Kim")
	alice.waitFor("the card to settle", `() => document.querySelector(".offer-card").getAnimations().every((a) => a.playState === "finished")`)
	alice.screenshot("desk-1280-offer")
	overlap := eval[bool](alice, `(() => { const a = document.querySelector(".offer-card").getBoundingClientRect(), b = document.querySelector("#send-button").getBoundingClientRect();
		return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom })()`)
	if overlap {
		t.Error("the offer card covers the Send button")
	}
	alice.acceptOfferFrom("Noah Kim")

	// Below 1024 px the customer panel is behind a button, not gone.
	alice.do("a 1000×700 screen", chromedp.EmulateViewport(1000, 700))
	alice.waitFor("the panel to fold", `() => getComputedStyle(document.querySelector("#customer-panel")).display === "none" &&
		getComputedStyle(document.querySelector("#customer-toggle")).display !== "none"`)
	alice.do("open the customer panel", chromedp.Click(chromedp.ID("customer-toggle")))
	alice.waitFor("the drawer", `() => { const p = document.querySelector("#customer-panel"), r = p.getBoundingClientRect();
		return getComputedStyle(p).display !== "none" && r.width > 200 && r.right <= innerWidth + 1 && document.querySelector("#customer-name").textContent.trim() === "Noah Kim" }`)
	alice.screenshot("desk-1000-customer-drawer")
	alice.do("close it with Escape", chromedp.KeyEvent("\x1b"))
	alice.waitFor("the drawer to close", `() => getComputedStyle(document.querySelector("#customer-panel")).display === "none"`)
	// The service's screen pop leaves the grid too, behind its own button.
	alice.waitFor("the screen pop folded", `() => getComputedStyle(document.querySelector("#side-panel")).display === "none" &&
		getComputedStyle(document.querySelector("#side-toggle")).display !== "none" && document.documentElement.scrollWidth <= innerWidth`)
	alice.do("open the screen pop", chromedp.Click(chromedp.ID("side-toggle")))
	alice.waitFor("the screen pop drawer", `() => { const r = document.querySelector("#side-panel").getBoundingClientRect();
		return r.width > 200 && r.right <= innerWidth + 1 && !!document.querySelector("#screen-pop") }`)
	alice.do("close it with Escape", chromedp.KeyEvent("\x1b"))
	alice.waitFor("the screen pop drawer to close", `() => getComputedStyle(document.querySelector("#side-panel")).display === "none"`)

	// Phone width: nothing runs off the side, Send is on screen.
	alice.do("a phone", chromedp.EmulateViewport(390, 844))
	alice.waitFor("the phone layout", `() => document.documentElement.scrollWidth <= innerWidth &&
		document.querySelector("#send-button").getBoundingClientRect().right <= innerWidth &&
		document.querySelector("#composer").getBoundingClientRect().width > 200`)
	alice.screenshot("desk-phone")
}
