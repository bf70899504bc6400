package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDeskNewChat: an agent opens New chat and finds a demo customer who
// wrote through the simulator; while her chat is open she cannot be
// picked; once it has ended, the agent starts a chat to her, it opens in
// the desktop and the customer gets the message.
func TestDeskNewChat(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	sim := openSimulator(t, browser, srv, "Nora", "Newchat")
	sim.sendAsCustomer("Hello, any news on my refund?")

	desk := loginAgent(t, browser, srv, "alice", "alice-demo", false)
	desk.pageClick("#new-chat")
	desk.waitFor("the New chat dialog", `() => document.querySelector("#new-chat-dialog")?.open`)
	desk.do("search Nora", typeInto(chromedp.ID("new-chat-search"), "nora"))
	desk.waitFor("Nora in the list", `() => [...document.querySelectorAll("#new-chat-customers .new-chat-customer")].some((b) => b.textContent.includes("Nora Newchat"))`)
	status := eval[string](desk, `document.querySelector("#new-chat-customers .new-chat-customer").textContent`)
	if want := "has an open chat"; !strings.Contains(status, want) {
		t.Errorf("Nora's row = %q, want %q (her chat with the bot is open)", status, want)
	}
	desk.screenshot("desk-new-chat-open")
	desk.do("close the dialog", chromedp.Evaluate[chromedp.Void](`document.querySelector("#new-chat-dialog").close()`))

	// Alice serves Nora's chat and closes it; Nora answers the survey and
	// her chat ends.
	desk.goReady()
	desk.openChatWith("Nora Newchat")
	desk.do("close the chat", chromedp.Evaluate[chromedp.Void](`document.querySelector("#close-chat").click()`))
	desk.waitFor("the chat to close", `() => document.querySelector("#composer").disabled`)
	sim.sendAsCustomer("5")
	sim.sendAsCustomer("All good")
	// The scenario's goodbye is sent by the step that ends the chat (one
	// transaction): only then does a search find her reachable (the list
	// is what the search answered, not a live view).
	sim.waitText("#sim-thread .bubble.page", "Thanks for chatting with us, Nora")

	// Now New chat reaches her: the chat opens in the desktop, assigned.
	desk.pageClick("#new-chat")
	desk.waitFor("the New chat dialog", `() => document.querySelector("#new-chat-dialog")?.open`)
	desk.do("search Nora", typeInto(chromedp.ID("new-chat-search"), "nora"))
	desk.waitFor("Nora reachable", `() => [...document.querySelectorAll("#new-chat-customers .new-chat-customer")].some((b) => b.textContent.includes("Nora Newchat") && !b.disabled)`)
	desk.do("pick Nora", chromedp.Evaluate[chromedp.Void](`document.querySelector("#new-chat-customers .new-chat-customer:not([disabled])").click()`))
	desk.do("type the first message", typeInto(chromedp.ID("new-chat-text"), "Hi Nora, your refund went out today."))
	desk.screenshot("desk-new-chat")
	desk.do("start", chromedp.Evaluate[chromedp.Void](`document.querySelector("#new-chat-start").click()`))
	desk.waitFor("the new chat open", `() => !document.querySelector("#new-chat-dialog").open && !document.querySelector("#composer").disabled &&
		document.querySelector("#transcript").textContent.includes("your refund went out today")`)
	sim.waitText("#sim-thread .bubble.page", "Hi Nora, your refund went out today.")
	desk.screenshot("desk-new-chat-started")
}

// TestAdminServiceOutboundAccount: Admin → Services shows Support's
// outbound chat account (the demo page) in the editor's select.
func TestAdminServiceOutboundAccount(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.do("a wide window", chromedp.EmulateViewport(1280, 900))
	adm.signIn(srv, "admin", "admin-demo", "/admin/services", "service-form")
	adm.waitFor("the accounts in the select", `() => document.querySelectorAll("#s-outbound option").length > 1`)
	adm.do("edit Support", chromedp.Evaluate[chromedp.Void](`document.querySelector('#services-body tr[data-service="Support"] button').click()`))
	adm.waitFor("the demo page picked", `() => document.querySelector("#s-outbound").selectedOptions[0]?.textContent.startsWith("demo-page")`)
}
