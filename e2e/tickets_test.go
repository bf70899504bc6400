package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// faqScenario is the self-service flow of app/testdata/selfservice.yaml:
// ask, search the knowledge base, offer articles, the ticket form,
// follow-up consent.
const faqScenario = `
  - name: faq
    blocks:
      - {id: ask, type: ask, text: "Hi $(first_name)! What can I help you with?", var: kb_query}
      - {id: search, type: search_kb, query: "$(kb_query)", exits: {none: ticket}}
      - id: offer
        type: offer_articles
        text: "These might help:"
        exits: {helped: glad, none: ticket, other: search, timeout: end}
      - {id: glad, type: send_message, text: "Glad that helped!", next: end}
      - {id: ticket, type: create_ticket, text: "Let's open a case for you.", exits: {timeout: end}}
      - {id: consent, type: follow_up_consent}
      - {id: filed, type: send_message, text: "We'll be in touch.", next: end}
      - {id: end, type: exit}
`

// useFAQScenario has the demo's Messenger entry run faqScenario (the
// demo's configuration file, edited and reloaded as an admin does) and
// publishes an article for it to offer.
func useFAQScenario(t *testing.T, srv *server) {
	t.Helper()
	if srv.app == nil {
		t.Skip("the server is outside the test ($PARLEY_E2E_URL): its configuration cannot be edited")
	}
	path := srv.app.cfg.ConfigFile
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(src)
	const entry = "  - name: Messenger\n    account: demo-page\n    scenario: messenger-chat\n"
	if !strings.Contains(cfg, entry) || !strings.Contains(cfg, "\nscenarios:\n") {
		t.Fatalf("the demo configuration changed: no Messenger entry or scenarios to edit in %s", path)
	}
	cfg = strings.Replace(cfg, entry, strings.Replace(entry, "messenger-chat", "faq", 1), 1)
	cfg = strings.Replace(cfg, "\nscenarios:\n", "\nscenarios:"+faqScenario, 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	admin := apiLogin(t, srv.URL, "admin", "admin-demo")
	admin.call("POST", "/api/admin/config/reload", nil, nil)
	admin.call("POST", "/api/kb/articles", map[string]any{"title": "Fix a broken screen",
		"body": "Bring the phone to a store; a cracked **screen** is replaced in a day.", "published": true}, nil)
}

// simReply is what the simulator's customer received.
type simReply struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Buttons []struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"buttons"`
	Cards        []json.RawMessage `json:"cards"`
	QuickReplies []struct {
		Title string `json:"title"`
	} `json:"quick_replies"`
}

// customerSends has the simulator's Messenger customer psid write text,
// or tap a quick reply or a postback.
func customerSends(t *testing.T, srv *server, psid string, req map[string]any) {
	t.Helper()
	req["channel"], req["user"], req["first_name"], req["last_name"] = "messenger", psid, "Dana", "Reyes"
	body, _ := json.Marshal(req)
	resp, err := http.Post(srv.URL+"/simulator/api/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("simulator send %v: %s", req, resp.Status)
	}
}

// waitReply waits until the customer psid has received a message ok
// accepts, and returns it.
func waitReply(t *testing.T, srv *server, psid, what string, ok func(simReply) bool) simReply {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(stepTimeout)
	var last []simReply
	for {
		resp, err := http.Get(srv.URL + "/simulator/api/messages?channel=messenger&user=" + url.QueryEscape(psid))
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Messages []simReply `json:"messages"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Messages {
			if ok(m) {
				return m
			}
		}
		last = page.Messages
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("the customer did not receive %s within %s; got %+v", what, stepTimeout, last)
		}
	}
}

// ticketLink drives the customer psid to the ticket form: they describe
// the problem, say none of the offered articles helps, and get the
// button that opens the form in the webview. It returns the signed link.
func ticketLink(t *testing.T, srv *server, psid string) string {
	t.Helper()
	customerSends(t, srv, psid, map[string]any{"text": "hello"})
	waitReply(t, srv, psid, "the question", func(m simReply) bool { return m.Text == "Hi Dana! What can I help you with?" })
	customerSends(t, srv, psid, map[string]any{"text": "my screen is broken"})
	waitReply(t, srv, psid, "the articles", func(m simReply) bool { return len(m.Cards) > 0 })
	customerSends(t, srv, psid, map[string]any{"postback": map[string]string{"title": "None of these", "payload": "KB_NONE"}})
	m := waitReply(t, srv, psid, "the ticket button", func(m simReply) bool {
		return len(m.Buttons) == 1 && strings.Contains(m.Buttons[0].URL, "/webview/ticket/")
	})
	link := m.Buttons[0].URL
	if !strings.HasPrefix(link, srv.URL) {
		// The link names the app's own address; the browser goes through the proxy.
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		link = srv.URL + u.RequestURI()
	}
	return link
}

// TestTicketFormMobile: the customer opens the form from a real signed
// link on a phone-sized screen, sends it empty (it says what is missing),
// then filled, and reads the case number; nothing overflows sideways. A
// tampered link shows the page that says it is not valid.
func TestTicketFormMobile(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	useFAQScenario(t, srv)
	link := ticketLink(t, srv, "2401123456780001")
	browser := newBrowser(t)

	phone := newTab(t, browser, "phone")
	phone.do("open the form on a phone", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("ticket-form")))
	phone.waitText("h1", "Tell us what happened")
	noOverflow := `() => document.documentElement.scrollWidth <= window.innerWidth`
	phone.waitFor("no horizontal overflow", noOverflow)
	phone.screenshot("ticket-form-mobile")

	// Empty: the browser holds the form back (the summary is required);
	// blanks get past it and the server says what is missing.
	phone.do("send it empty", chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#ticket-submit"); b.scrollIntoView(); b.click() })()`))
	phone.waitFor("the summary marked missing", `() => document.querySelector("#ticket-subject").validity.valueMissing && !document.querySelector("#ticket-done")`)
	// The demo's Support asks for the device (a required choice): the
	// browser holds the form back without it too.
	phone.waitFor("the service's fields", `() => !!document.querySelector("#ticket-field-order_number") && document.querySelector("#ticket-field-device").required`)
	phone.do("pick a device", chromedp.SetValue(chromedp.ID("ticket-field-device"), "Laptop"))
	phone.do("send blanks", typeInto(chromedp.ID("ticket-subject"), "   "),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#ticket-submit"); b.scrollIntoView(); b.click() })()`),
		chromedp.WaitVisible(chromedp.ID("ticket-error")))
	phone.waitText("#ticket-error", "Please say in a few words what the problem is.")
	phone.waitFor("the device kept", `() => document.querySelector("#ticket-field-device").value === "Laptop"`)
	phone.waitFor("no horizontal overflow with the error", noOverflow)
	phone.screenshot("ticket-form-mobile-error")

	phone.do("fill it in",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#ticket-subject").value = ""`),
		typeInto(chromedp.ID("ticket-subject"), "Screen broken"),
		typeInto(chromedp.ID("ticket-details"), "I dropped it on the stairs; the top half shows nothing."),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#ticket-submit"); b.scrollIntoView(); b.click() })()`),
		chromedp.WaitVisible(chromedp.ID("ticket-number")))
	phone.waitFor("the case number", `() => /^#\d+$/.test(document.querySelector("#ticket-number")?.textContent || "")`)
	phone.waitFor("no horizontal overflow on the thanks", noOverflow)
	phone.screenshot("ticket-form-mobile-done")

	tampered := link[:len(link)-3] + "AAA"
	if strings.HasSuffix(link, "AAA") {
		tampered = link[:len(link)-3] + "BBB"
	}
	phone.do("open a tampered link", chromedp.Navigate(tampered), chromedp.WaitVisible(chromedp.ID("ticket-problem")))
	phone.waitText("#ticket-problem", "not valid")
	phone.waitFor("no form on a tampered link", `() => !document.querySelector("#ticket-form")`)
	phone.waitFor("no horizontal overflow on the refusal", noOverflow)
}

// TestTicketsPage: an agent finds the customer's case on the Tickets
// page, opens it, adds an internal note and solves it with a message;
// the history shows both, and the customer, who agreed to follow-ups,
// receives the message. A change made meanwhile by someone else is
// refused with a message and the case reloaded.
func TestTicketsPage(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	useFAQScenario(t, srv)
	const psid = "2401123456780002"
	link := ticketLink(t, srv, psid)
	resp, err := http.PostForm(link, url.Values{"subject": {"Screen broken"}, "details": {"Dropped it; the top half is black."},
		"field_device": {"Tablet"}, "field_order_number": {"A-2002"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("file the ticket: %s", resp.Status)
	}
	waitReply(t, srv, psid, "the consent question", func(m simReply) bool { return len(m.QuickReplies) == 2 })
	customerSends(t, srv, psid, map[string]any{"text": "Yes", "quick_reply": "FOLLOWUP_YES"})
	waitReply(t, srv, psid, "the thanks", func(m simReply) bool { return m.Text == "We'll be in touch." })

	browser := newBrowser(t)
	agent := newTab(t, browser, "alice")
	agent.signIn(srv, "alice", "alice-demo", "/tickets", "tk-filter")
	agent.waitFor("Tickets in the header", `() => document.querySelector('.topnav a[aria-current="page"]')?.textContent === "Tickets"`)
	row := `#tk-table tbody tr`
	agent.waitFor("the filed case in the list", `(sel) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes("Screen broken") &&
		r.textContent.includes("Dana Reyes") && r.textContent.includes("new"))`, row)
	number := eval[string](agent, `[...document.querySelectorAll("#tk-table tbody tr")].find((r) => r.textContent.includes("Screen broken")).dataset.number`)
	agent.screenshot("tickets-list")

	// The case number finds it; a number nobody has finds nothing.
	agent.do("search a case number nobody has", typeInto(chromedp.ID("tk-number"), "9999"), chromedp.Evaluate[chromedp.Void](`document.querySelector("#tk-find").click()`))
	agent.waitFor("nothing found", `() => !document.querySelector("#tk-empty").hidden && document.querySelectorAll("#tk-table tbody tr").length === 0`)
	agent.do("search the case number", chromedp.Evaluate[chromedp.Void](`document.querySelector("#tk-number").value = ""`),
		typeInto(chromedp.ID("tk-number"), "#"+number), chromedp.Evaluate[chromedp.Void](`document.querySelector("#tk-find").click()`))
	agent.waitFor("only that case", `(n) => { const rows = document.querySelectorAll("#tk-table tbody tr"); return rows.length === 1 && rows[0].dataset.number === n }`, number)

	agent.do("open it", chromedp.Evaluate[chromedp.Void](`(() => { const r = document.querySelector("#tk-table tbody tr"); r.scrollIntoView(); r.click() })()`))
	agent.waitFor("the case's detail", `(n) => !document.querySelector("#tk-detail").hidden && document.querySelector("#tk-title").textContent === "#" + n + " Screen broken" &&
		document.querySelector("#tk-facts").textContent.includes("Dana Reyes") && document.querySelector("#tk-facts").textContent.includes("Support") &&
		document.querySelector("#tk-facts").textContent.includes("agreed") &&
		document.querySelector("#tk-facts").textContent.includes("Order numberA-2002") && document.querySelector("#tk-facts").textContent.includes("DeviceTablet") &&
		document.querySelector("#tk-description").textContent.includes("top half is black") &&
		[...document.querySelectorAll("#tk-history li")].map((li) => li.dataset.kind).join() === "created,consent"`, number)
	agent.waitFor("the follow-up policy explained", `() => document.querySelector("#tk-message-hint").textContent.includes("only if they agreed to follow-ups")`)

	agent.do("add a note", typeInto(chromedp.ID("tk-note"), "The Lyon store has the part in stock."),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#tk-note-save"); b.scrollIntoView(); b.click() })()`))
	agent.waitFor("the note in the history", `() => [...document.querySelectorAll('#tk-history li[data-kind="note"]')].some((li) =>
		li.textContent.includes("The Lyon store has the part in stock.") && li.textContent.includes("Alice Martin"))`)

	agent.do("assign it to herself", chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#tk-assign-me"); b.scrollIntoView(); b.click() })()`))
	agent.waitFor("the assignment in the history and the list", `() => [...document.querySelectorAll('#tk-history li[data-kind="assignee"]')].some((li) => li.textContent.includes("Assigned to Alice Martin")) &&
		document.querySelector("#tk-table tbody tr")?.textContent.includes("Alice Martin")`)

	// Someone else solves it meanwhile: Alice's change is refused with a
	// message and the case shows its new state.
	admin := apiLogin(t, srv.URL, "admin", "admin-demo")
	var v struct {
		Ticket struct {
			Version int `json:"version"`
		} `json:"ticket"`
	}
	id := eval[string](agent, `document.querySelector("#tk-detail").dataset.ticketId`)
	admin.call("GET", "/api/tickets/"+id, nil, &v)
	admin.call("PATCH", "/api/tickets/"+id, map[string]any{"version": v.Ticket.Version, "status": "pending"}, nil)
	agent.do("set solved on a stale version", chromedp.SetValue(chromedp.ID("tk-status-select"), "solved"),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#tk-status-save"); b.scrollIntoView(); b.click() })()`))
	agent.waitFor("the stale version message and the reloaded case", `() => !document.querySelector("#tk-conflict").hidden &&
		document.querySelector("#tk-conflict").textContent.includes("Someone else changed case") &&
		document.querySelector("#tk-status").textContent === "pending"`)

	const message = "Your new screen is fitted: collect the phone at the Lyon store any day this week."
	agent.do("solve it with a message", chromedp.SetValue(chromedp.ID("tk-status-select"), "solved"),
		typeInto(chromedp.ID("tk-message"), message),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.querySelector("#tk-status-save"); b.scrollIntoView(); b.click() })()`))
	agent.waitFor("the status change and the follow-up in the history", `(msg) => document.querySelector("#tk-conflict").hidden &&
		document.querySelector("#tk-status").textContent === "solved" &&
		[...document.querySelectorAll('#tk-history li[data-kind="status"]')].some((li) => li.textContent.includes("pending → solved")) &&
		[...document.querySelectorAll('#tk-history li[data-kind="follow_up"]')].some((li) => li.textContent.includes(msg))`, message)
	agent.waitFor("solved cases leave the default list", `() => document.querySelectorAll("#tk-table tbody tr").length === 0 || ![...document.querySelectorAll("#tk-table tbody tr")].some((r) => r.textContent.includes("Screen broken"))`)
	waitReply(t, srv, psid, "the follow-up", func(m simReply) bool { return strings.Contains(m.Text, message) })

	agent.do("show solved cases too", chromedp.Evaluate[chromedp.Void](`(() => { const c = document.querySelector('#tk-filter input[value="solved"]'); c.scrollIntoView(); c.click() })()`))
	agent.waitFor("the solved case listed", `() => [...document.querySelectorAll("#tk-table tbody tr")].some((r) => r.textContent.includes("Screen broken") && r.textContent.includes("solved"))`)
	agent.screenshot("tickets-detail")
	if got := eval[int](agent, `document.documentElement.scrollWidth - window.innerWidth`); got > 0 {
		t.Errorf("the Tickets page overflows sideways by %dpx", got)
	}
	t.Logf("case #%s worked", number)
}
