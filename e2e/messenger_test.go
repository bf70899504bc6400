package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMessengerKinds is the "done when": the simulated customer
// taps Get Started, writes, sends a photo and a location; the agent sees
// each rendered, replies with text, quick replies and a file, and sees the
// delivered/read ticks the customer's phone sends back.
func TestMessengerKinds(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := openSimulator(t, browser, srv, "Mia", "Lopez")
	sim.do("tap Get Started", chromedp.Click(chromedp.CSS(".sim-welcome .chip")))
	sim.waitFor("Get Started to be sent", `() => [...document.querySelectorAll("#sim-thread .bubble.me")].some((b) => b.textContent === "Get Started" && !b.dataset.id.startsWith("local-"))`)
	sim.sendAsCustomer("Where is my parcel?")
	sim.do("send a photo", chromedp.Click(chromedp.ID("sim-photo")))
	sim.do("share a location", chromedp.Click(chromedp.ID("sim-location")))

	desk := loginAgent(t, browser, srv, "alice", "alice-demo", false)
	desk.goReady()
	desk.openChatWith("Mia Lopez")
	desk.waitFor("the Get Started postback", `() => document.querySelector("#transcript .msg-bubble.postback")`)
	desk.waitFor("the photo, from our own storage", `() => { const i = document.querySelector("#transcript .att-image img"); return i && i.complete && i.naturalWidth > 0 && i.getAttribute("src").startsWith("/files/") }`)
	desk.waitFor("the location as a map link", `() => { const a = document.querySelector("#transcript .loc-link"); return a && a.href.includes("openstreetmap.org") }`)
	desk.waitFor("the messaging window banner", `() => document.querySelector("#reach-banner") && !document.querySelector("#reach-banner").hidden && document.querySelector("#reach-banner").textContent.includes("left to reply")`)

	desk.reply("Your parcel is on its way", false)
	desk.waitFor("the read tick", `() => [...document.querySelectorAll("#transcript .msg.out")].some((m) => m.textContent.includes("Your parcel is on its way") && m.querySelector(".tick-text.tick-read"))`)

	desk.do("write with quick replies",
		chromedp.Click(chromedp.ID("quick-replies-button")),
		typeInto(chromedp.ID("quick-replies-input"), "Yes, No"),
	)
	desk.reply("Anything else?", false)
	sim.waitFor("the quick-reply chips", `() => [...document.querySelectorAll("#sim-quick .chip")].map((c) => c.textContent).join(",") === "Yes,No"`)

	file := filepath.Join(t.TempDir(), "tracking.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4 tracking"), 0o600); err != nil {
		t.Fatal(err)
	}
	desk.do("upload a file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{file}))
	desk.waitFor("the file in the transcript", `() => [...document.querySelectorAll("#transcript .msg.out .att-file")].some((a) => a.textContent.includes("tracking.pdf"))`)
	sim.waitText("#sim-thread .bubble.page", "tracking.pdf")

	// A carousel from the card builder, with the composer's text first.
	desk.do("build two cards",
		chromedp.Click(chromedp.ID("cards-button")),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-title"), "Screen repair"),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-subtitle"), "Two days"),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-buttons"), "Book it, Details=https://shop.example.com/screen"),
		chromedp.Click(chromedp.ID("add-card")),
		typeInto(chromedp.CSS(".card-row:nth-child(2) .card-title"), "Battery swap"),
		typeInto(chromedp.CSS(".card-row:nth-child(2) .card-buttons"), "Book it"),
	)
	desk.reply("Here is what we can do:", false)
	sim.waitFor("the two cards with their buttons", `() => {
		const cards = [...document.querySelectorAll("#sim-thread .sim-card, #sim-thread .card")].map((c) => c.textContent);
		return cards.length >= 2 && cards.some((c) => c.includes("Screen repair") && c.includes("Details")) && cards.some((c) => c.includes("Battery swap"))
	}`)
	sim.waitText("#sim-thread .bubble.page", "Here is what we can do:")
	desk.waitFor("the cards in the transcript", `() => [...document.querySelectorAll("#transcript .msg-cards .card")].length === 2`)

	desk.screenshot("messenger-desktop")
	sim.screenshot("messenger-simulator")
	desk.assertEachMessageOnce()
}
