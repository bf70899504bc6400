package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fakeNotifications replaces the browser's Notification with one that
// records what would be shown, granted, and makes the page look unfocused
// (notifications are for an agent who is not looking).
const fakeNotifications = `(() => {
	window.__notes = [];
	window.Notification = class { static permission = "granted"; static requestPermission() { return Promise.resolve("granted") }
		constructor(title, o) { window.__notes.push(title + "|" + ((o && o.body) || "")) } close() {} };
	document.hasFocus = () => false;
})()`

func (tb *tab) altKey(key string) {
	tb.t.Helper()
	tb.do("Alt+"+key, chromedp.KeyEvent(key, chromedp.KeyModifiers(chromedp.ModifierAlt)))
}

// TestDeskManyChats (issue 10, item 6): several chats at once at 1280×720 —
// a beep and a notification for each offer and each message in a chat the
// agent is not looking at, Alt+A accepts, unread counts and the customer's
// wait in the list, Alt+N goes to the next unread chat, "?" lists the
// shortcuts, "/" starts a canned response, Alt+T opens Transfer.
func TestDeskManyChats(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.do("a 1280×720 screen", chromedp.EmulateViewport(1280, 720))
	alice.do("record notifications", chromedp.Evaluate[chromedp.Void](fakeNotifications))
	alice.goReady()

	ava := openSimulator(t, browser, srv, "Ava", "Stone", chromedp.WithNewBrowserContext())
	ava.sendAsCustomer("Is my refund processed?")
	alice.waitText("#offer-tray .offer-card", "Ava Stone")
	alice.waitFor("a beep and a notification for the offer", `() => Number(document.body.dataset.beeps || 0) >= 1 &&
		window.__notes.some((n) => n.startsWith("New chat from Ava Stone|Is my refund processed?"))`)
	alice.altKey("a")
	alice.waitFor("Ava's chat to open", `() => document.querySelector("#customer-name").textContent.trim() === "Ava Stone" && !document.querySelector("#composer").disabled`)

	ben := openSimulator(t, browser, srv, "Ben", "Ortiz", chromedp.WithNewBrowserContext())
	ben.sendAsCustomer("I need a new password")
	alice.waitText("#offer-tray .offer-card", "Ben Ortiz")
	alice.altKey("a")
	alice.waitFor("Ben's chat to open", `() => document.querySelector("#customer-name").textContent.trim() === "Ben Ortiz"`)
	alice.reply("Hi Ben, let me reset it", false)

	// Ava writes twice while Alice is with Ben.
	before := eval[int](alice, `Number(document.body.dataset.beeps || 0)`)
	ava.sendAsCustomer("I returned it last week")
	ava.sendAsCustomer("Order 5521")
	alice.waitFor("Ava's unread count and wait", `() => { const li = [...document.querySelectorAll("#chat-list .chat-item")].find((e) => e.textContent.includes("Ava Stone"));
		return li && li.querySelector(".unread-count")?.textContent === "2" && /^\d+s$/.test(li.querySelector(".chat-item-wait")?.textContent || "") }`)
	alice.waitFor("a beep and a notification per message", `(n) => Number(document.body.dataset.beeps) >= n + 2 &&
		window.__notes.filter((x) => x.startsWith("Ava Stone|")).length >= 2`, before)
	if strings.Contains(previewOf(alice, "Ben Ortiz"), "Hi Ben") && eval[bool](alice, `!![...document.querySelectorAll("#chat-list .chat-item")].find((e) => e.textContent.includes("Ben Ortiz")).querySelector(".chat-item-wait")`) {
		t.Error("Ben is shown waiting though Alice answered him")
	}
	alice.screenshot("desk-many-chats")

	// Alt+N: to the next chat with unread messages.
	alice.altKey("n")
	alice.waitFor("Ava's chat, read", `() => document.querySelector("#customer-name").textContent.trim() === "Ava Stone" && !document.querySelector("#chat-list .unread-count")`)
	alice.waitText("#transcript .msg.in", "Order 5521")

	// "?" lists the shortcuts; Esc closes the list.
	alice.do("leave the composer", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	alice.do("press ?", chromedp.KeyEvent("?"))
	alice.waitFor("the shortcuts", `() => !document.querySelector("#shortcuts-help").hidden && document.querySelector("#shortcuts-help").textContent.includes("Alt+N")`)
	alice.screenshot("desk-shortcuts")
	alice.do("press Esc", chromedp.KeyEvent("\x1b"))
	alice.waitFor("the list to close", `() => document.querySelector("#shortcuts-help").hidden`)

	// "/" starts a canned response in the composer.
	alice.do("leave the composer", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	alice.do("press /", chromedp.KeyEvent("/"))
	alice.waitFor("the composer with /", `() => document.activeElement === document.querySelector("#composer") && document.querySelector("#composer").value === "/"`)
	alice.do("clear the composer", chromedp.Evaluate[chromedp.Void](`(() => { const c = document.querySelector("#composer"); c.value = ""; c.dispatchEvent(new Event("input")) })()`))

	// Alt+T opens Transfer.
	alice.altKey("t")
	alice.waitFor("the transfer dialog", `() => document.querySelector("#routing-dialog").open && !!document.querySelector("#transfer-target")`)
}
