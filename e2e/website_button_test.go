package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// click clicks the element sel finds, in the page, as a person does.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + strconv.Quote(sel) + `).click()`)
}

// TestDemoWebsiteSendToMessenger: a visitor of the demo shop clicks its
// Send to Messenger button; the simulator posts the opt-in webhook for its
// Messenger customer and opens its Messenger tab, where the demo
// scenario's greeting arrives for that customer.
func TestDemoWebsiteSendToMessenger(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := newTab(t, browser, "simulator")
	sim.do("open the simulator",
		chromedp.EmulateViewport(1280, 720),
		chromedp.Navigate(srv.URL+"/simulator"),
		chromedp.WaitVisible(chromedp.ID("sim-website-link")),
	)
	if href := eval[string](sim, `document.querySelector("#sim-website-link").getAttribute("href")`); href != "/simulator/website" {
		t.Fatalf("the simulator links to %q, want the demo shop", href)
	}
	sim.do("follow its link to the demo shop",
		click("#sim-website-link"),
		chromedp.WaitVisible(chromedp.ID("stm-button")), // the shop's page has loaded
	)
	sim.waitText("#stm-who", "Logged in to Messenger as ")
	who := eval[string](sim, `document.querySelector("#stm-who").textContent`)
	name := strings.TrimSuffix(strings.TrimPrefix(who, "Logged in to Messenger as "), ".")
	first, _, _ := strings.Cut(name, " ")
	if first == "" {
		t.Fatalf("the button names nobody: %q", who)
	}
	if ref := eval[string](sim, `document.querySelector("#stm-button").dataset.ref`); ref != "shop-travel-mug" {
		t.Errorf("the button's data-ref = %q", ref)
	}
	sim.screenshot("simulator-website")

	sim.do("click Send to Messenger",
		click("#stm-button"),
		chromedp.WaitVisible(chromedp.ID("sim-thread")), // the simulator's page has loaded, its chat open
	)
	sim.waitFor("the simulator's Messenger tab", `() => location.pathname === "/simulator" &&
		document.querySelector("#sim-phone").dataset.channel === "messenger"`)
	sim.waitText("#sim-thread .bubble.page", "Hi "+first+"! Thanks for writing to Parley Demo Co.")
	if got := eval[string](sim, `document.querySelector("#sim-who").textContent`); got != "Chatting as "+name {
		t.Errorf("the simulator says %q, want the shop's customer %s", got, name)
	}
	if n := eval[int](sim, `document.querySelectorAll("#sim-thread .bubble.me").length`); n != 0 {
		t.Errorf("the thread shows %d customer bubbles; an opt-in is no message", n)
	}
	sim.screenshot("simulator-after-optin")

	sim.do("the shop at a phone's width",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/simulator/website"),
	)
	sim.waitText("#stm-who", "Logged in to Messenger as "+name+".") // the same customer
	sim.screenshot("simulator-website-phone")
}

// TestDemoWebsiteHelpCentre: the demo shop's help-centre banner, in view
// as the page opens, has a second Send to Messenger button (ref
// help-center); a click opens the simulator on the help bot's question.
// The customer describes the problem, gets article cards, taps None of
// these, gets the ticket form's button, then types "agent" and is
// handed to the queue.
func TestDemoWebsiteHelpCentre(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := newTab(t, browser, "shop")
	sim.do("open the demo shop",
		chromedp.EmulateViewport(1280, 720),
		chromedp.Navigate(srv.URL+"/simulator/website"),
		chromedp.WaitVisible(chromedp.ID("help-button")),
	)
	if ref := eval[string](sim, `document.querySelector("#help-button").dataset.ref`); ref != "help-center" {
		t.Errorf("the help button's data-ref = %q", ref)
	}
	if !eval[bool](sim, `document.querySelector("#help-button").getBoundingClientRect().bottom <= innerHeight`) {
		t.Error("the help centre's button is below the fold")
	}
	sim.waitText("#stm-who", "Logged in to Messenger as ")
	sim.screenshot("simulator-website-help")

	sim.do("click the help centre's Send to Messenger",
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#help-button"); b.scrollIntoView(); b.click(); })()`),
		chromedp.WaitVisible(chromedp.ID("sim-thread")),
	)
	sim.waitText("#sim-thread .bubble.page", "What can I help you with?")
	sim.waitText("#sim-quick .chip", "Talk to a person")

	sim.sendAsCustomer("my screen is broken")
	sim.waitText("#sim-thread .sim-card-title", "My screen is broken or cracked")
	sim.screenshot("simulator-help-articles")
	sim.do("tap None of these", chromedp.Evaluate[chromedp.Void](`(() => {
		const b = [...document.querySelectorAll("#sim-thread .sim-card .sim-button")].find((b) => b.textContent === "None of these");
		b.scrollIntoView(); b.click(); })()`))
	sim.waitFor("the ticket form's button", `() => [...document.querySelectorAll("#sim-thread a.sim-button")].some((a) => a.href.includes("/webview/ticket/"))`)

	sim.sendAsCustomer("agent")
	sim.waitText("#sim-thread .bubble.page", "Let me find someone to help you.")
	sim.screenshot("simulator-help-agent")
}

// TestAdminWebsiteButton: an admin edits the demo page, enters its App ID
// and a ref under Website button, and copies the snippet the server wrote:
// a browser parses it into the Send to Messenger plugin with those values;
// saving keeps the App ID with the account.
func TestAdminWebsiteButton(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.do("a wide window", chromedp.EmulateViewport(1280, 900))
	adm.signIn(srv, "admin", "admin-demo", "/admin/accounts", "new-account")
	adm.waitFor("the demo page in the list", `() => !!document.querySelector('#accounts-body tr[data-account="demo-page"]')`)
	edit := `[...document.querySelectorAll('#accounts-body tr[data-account="demo-page"] button')].find((b) => b.textContent === "Edit").click()`
	adm.do("edit the demo page", chromedp.Evaluate[chromedp.Void](edit))
	adm.waitFor("the Website button section", `() => !!document.querySelector("#website-button") && !document.querySelector("#wb-generate").disabled`)
	adm.do("enter an App ID and a ref",
		typeInto(chromedp.ID("f-settings-app-id"), "1517776481860111"),
		typeInto(chromedp.ID("wb-ref"), "pricing-page"),
		chromedp.SetValue(chromedp.ID("wb-color"), "white"),
		click("#wb-generate"),
	)
	adm.waitFor("the snippet", `() => document.querySelector("#wb-html").value.includes("fb-send-to-messenger")`)
	got := eval[string](adm, `(() => {
		const doc = new DOMParser().parseFromString(document.querySelector("#wb-html").value, "text/html");
		const d = doc.querySelectorAll(".fb-send-to-messenger");
		if (d.length !== 1) return "plugin divs: " + d.length;
		const a = (n) => d[0].getAttribute(n);
		return [a("messenger_app_id"), a("page_id"), a("data-ref"), a("color"), a("size"),
			doc.querySelector('script[src="https://connect.facebook.net/en_US/sdk.js"]') ? "sdk" : "no sdk"].join(" ");
	})()`)
	if got != "1517776481860111 104329875512345 pricing-page white large sdk" {
		t.Errorf("the snippet parses as %q", got)
	}
	if link := eval[string](adm, `document.querySelector("#wb-link").value`); link != "https://m.me/104329875512345?ref=pricing-page" {
		t.Errorf("m.me link %q", link)
	}
	adm.screenshot("admin-website-button")

	adm.do("save", click("#save-account"))
	adm.waitFor("the form closed", `() => document.querySelector("#account-form").hidden`)
	adm.do("open the page again",
		chromedp.Navigate(srv.URL+"/admin/accounts"),
		chromedp.WaitVisible(chromedp.ID("new-account")),
	)
	adm.waitFor("the demo page in the list", `() => !!document.querySelector('#accounts-body tr[data-account="demo-page"]')`)
	adm.do("edit it again", chromedp.Evaluate[chromedp.Void](edit))
	adm.waitFor("the saved App ID", `() => document.querySelector("#f-settings-app-id")?.value === "1517776481860111"`)

	adm.do("a ref Facebook refuses",
		typeInto(chromedp.ID("wb-ref"), `"><b>`),
		click("#wb-generate"),
	)
	adm.waitFor("the refusal", `() => !document.querySelector("#wb-error").hidden && document.querySelector("#wb-error").textContent.startsWith("ref:")`)
	if eval[bool](adm, `!document.querySelector("#wb-html").closest(".field-with-button").hidden`) {
		t.Error("a refused ref left the previous snippet showing")
	}
}
