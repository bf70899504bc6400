package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// dropFile drops (or pastes) a file made in the page onto the desktop, as
// the agent's file manager or clipboard would hand it over.
func (tb *tab) dropFile(how, name string, size int) {
	tb.t.Helper()
	tb.do(how+" "+name, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([new Uint8Array(%d).fill(65)], %q, { type: "text/plain" }));
		if (%q === "paste") {
			document.querySelector("#composer").dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
			return;
		}
		const t = document.querySelector("#transcript");
		for (const type of ["dragenter", "dragover", "drop"]) t.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
	})()`, size, name, how)))
}

// TestDeskComposer (issue 10, item 2): the emoji picker with its search,
// files by drag and drop and by paste, an oversized file refused in the
// composer, and a preview of quick replies and cards as the customer will
// see them; the messaging-window countdown stays.
func TestDeskComposer(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.do("a 1280×720 screen", chromedp.EmulateViewport(1280, 720))
	alice.goReady()
	kai := openSimulator(t, browser, srv, "Kai", "Moreau", chromedp.WithNewBrowserContext())
	kai.sendAsCustomer("Where is my order?")
	alice.acceptOfferFrom("Kai Moreau")
	alice.openChatWith("Kai Moreau")
	alice.waitFor("the messaging window countdown", `() => !document.querySelector("#reach-banner").hidden && document.querySelector("#reach-banner").textContent.includes("left to reply")`)

	// Emoji: search by word, click to insert, send.
	alice.do("type", typeInto(chromedp.ID("composer"), "Your order "))
	alice.do("open the emoji picker", chromedp.Click(chromedp.ID("emoji-button")), chromedp.WaitVisible(chromedp.ID("emoji-search")))
	alice.waitFor("the groups", `() => document.querySelectorAll("#emoji-picker .emoji-group").length >= 5`)
	alice.do("search", typeInto(chromedp.ID("emoji-search"), "parcel"))
	alice.waitFor("one match", `() => [...document.querySelectorAll("#emoji-picker .emoji")].map((b) => b.dataset.emoji).join() === "📦"`)
	alice.screenshot("desk-emoji")
	alice.do("pick it", chromedp.Click(chromedp.CSS(`#emoji-picker .emoji[data-emoji="📦"]`)))
	alice.waitFor("the emoji in the composer", `() => document.querySelector("#composer").value === "Your order 📦" && document.querySelector("#emoji-picker").hidden`)
	alice.do("send", chromedp.Click(chromedp.ID("send-button")))
	kai.waitText("#sim-thread .bubble.page", "Your order 📦")

	// Files by drag and drop and by paste.
	alice.dropFile("drop", "tracking-notes.txt", 64)
	alice.waitFor("the dropped file", `() => [...document.querySelectorAll("#transcript .msg.out .att-file")].some((a) => a.textContent.includes("tracking-notes.txt"))`)
	alice.dropFile("paste", "pasted-label.txt", 32)
	alice.waitFor("the pasted file", `() => [...document.querySelectorAll("#transcript .msg.out .att-file")].some((a) => a.textContent.includes("pasted-label.txt"))`)
	kai.waitText("#sim-thread .bubble.page", "pasted-label.txt")

	// Too large: refused, said in the composer.
	alice.dropFile("drop", "huge-video.txt", 26<<20)
	alice.waitFor("the 413 in the composer", `() => { const e = document.querySelector("#composer-error"); return !e.hidden && e.textContent.includes("huge-video.txt was not sent") && e.textContent.includes("MB") }`)
	alice.screenshot("desk-too-large")

	// Quick replies: previewed as the customer will see them.
	alice.do("write with quick replies",
		typeInto(chromedp.ID("composer"), "Did that help?"),
		chromedp.Click(chromedp.ID("quick-replies-button")),
		typeInto(chromedp.ID("quick-replies-input"), "Yes, No"),
	)
	alice.waitFor("the preview", `() => { const p = document.querySelector("#reply-preview"); return !p.hidden && p.querySelector(".pv-bubble").textContent === "Did that help?" &&
		[...p.querySelectorAll(".chip")].map((c) => c.textContent).join() === "Yes,No" }`)
	alice.screenshot("desk-preview-quick-replies")
	alice.do("send", chromedp.Click(chromedp.ID("send-button")))
	kai.waitFor("the chips", `() => [...document.querySelectorAll("#sim-quick .chip")].map((c) => c.textContent).join(",") === "Yes,No"`)
	alice.waitFor("the preview to go", `() => document.querySelector("#reply-preview").hidden`)

	// Cards: previewed too.
	alice.do("build a card",
		chromedp.Click(chromedp.ID("cards-button")),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-title"), "Express shipping"),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-subtitle"), "Tomorrow before noon"),
		typeInto(chromedp.CSS(".card-row:nth-child(1) .card-buttons"), "Upgrade, Details=https://shop.example.com/express"),
	)
	alice.waitFor("the card preview", `() => { const c = document.querySelector("#reply-preview .pv-card"); return c && c.textContent.includes("Express shipping") && c.textContent.includes("Upgrade") && c.textContent.includes("Details ↗") }`)
	alice.screenshot("desk-preview-card")
	alice.do("send", chromedp.Click(chromedp.ID("send-button")))
	kai.waitFor("the card", `() => [...document.querySelectorAll("#sim-thread .sim-card, #sim-thread .card")].some((c) => c.textContent.includes("Express shipping"))`)
	alice.waitFor("the countdown still there", `() => !document.querySelector("#reach-banner").hidden && document.querySelector("#reach-banner").textContent.includes("left to reply")`)
	alice.assertEachMessageOnce()
}
