package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSimulatorChannels: the simulator plays a customer on other channels
// than Messenger. A Telegram user and an SMS sender each write through
// their tab, their platform's signed webhook reaches Parley, and the
// bot's greeting comes back through the platform's fake into the tab.
func TestSimulatorChannels(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := newTab(t, browser, "simulator")
	sim.do("open the simulator at 1280×720",
		chromedp.EmulateViewport(1280, 720),
		chromedp.Navigate(srv.URL+"/simulator"),
		chromedp.WaitVisible(chromedp.ID("sim-tabs")),
	)

	startOn(sim, "telegram", "Tina", "Tanaka")
	sim.sendAsCustomer("Hello from Telegram")
	sim.waitText("#sim-thread .bubble.page", "Hi Tina! Thanks for writing to Parley Demo Co.")
	sim.screenshot("simulator-telegram")

	startOn(sim, "vonage", "Sam", "Okafor")
	sim.sendAsCustomer("Hello by SMS")
	sim.waitText("#sim-thread .bubble.page", "Hi! Thanks for writing to Parley Demo Co.")
	if n := eval[int](sim, `document.querySelectorAll("#sim-thread .bubble.page").length`); n < 1 {
		t.Errorf("SMS tab shows %d replies", n)
	}
	sim.screenshot("simulator-sms")

	// Each tab keeps its own customer and thread.
	sim.do("back to Telegram", chromedp.Click(chromedp.ID("sim-tab-telegram")))
	sim.waitText("#sim-thread .bubble.me", "Hello from Telegram")
	if eval[bool](sim, `[...document.querySelectorAll("#sim-thread .bubble")].some((b) => b.textContent.includes("SMS"))`) {
		t.Error("the Telegram tab shows the SMS conversation")
	}

	sim.do("phone width", chromedp.EmulateViewport(390, 844))
	sim.waitText("#sim-thread .bubble.page", "Hi Tina!")
	sim.screenshot("simulator-telegram-phone")
}

// startOn switches the simulator to a channel's tab and starts a
// conversation there as a new customer.
func startOn(sim *tab, channel, first, last string) {
	sim.t.Helper()
	sim.do("open the "+channel+" tab",
		chromedp.Click(chromedp.ID("sim-tab-"+channel)),
		chromedp.WaitVisible(chromedp.ID("sim-first")),
	)
	sim.waitFor("the "+channel+" look", `(ch) => document.querySelector("#sim-phone").dataset.channel === ch`, channel)
	sim.do("start as "+first+" "+last,
		typeInto(chromedp.ID("sim-first"), first),
		typeInto(chromedp.ID("sim-last"), last),
		chromedp.Click(chromedp.ID("sim-start")),
		chromedp.WaitVisible(chromedp.ID("sim-input")),
	)
}
