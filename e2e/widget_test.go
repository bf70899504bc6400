package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// shadow is the widget's shadow root in the page.
const shadow = `document.querySelector("#parley-widget")?.shadowRoot`

// TestWidgetDemo: a visitor opens the demo page, fills in the pre-chat
// form, sees the bot's greeting, writes; alice (through the API) accepts
// the chat and answers, and the answer appears in the widget; a reload
// resumes the conversation. Screenshots at 1280×720 and a phone's width.
func TestWidgetDemo(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)
	vis := newTab(t, browser, "visitor")
	vis.do("open the demo page at 1280×720",
		chromedp.EmulateViewport(1280, 720),
		chromedp.Navigate(srv.URL+"/widget-demo"),
	)
	vis.waitFor("the launcher", `() => !!`+shadow+`?.querySelector(".launcher svg")`)
	vis.screenshot("widget-closed-1280")
	vis.do("open the chat", chromedp.Evaluate[chromedp.Void](shadow+`.querySelector(".launcher").click()`))
	vis.waitFor("the pre-chat form", `() => `+shadow+`.querySelectorAll(".prechat input").length === 2`)
	vis.screenshot("widget-prechat-1280")
	vis.do("fill in the pre-chat form", chromedp.Evaluate[chromedp.Void](`(() => {
		const r = `+shadow+`;
		r.querySelector('.prechat input[name="name"]').value = "Vera Stone";
		r.querySelector('.prechat input[name="email"]').value = "vera@example.com";
		r.querySelector(".prechat").requestSubmit();
	})()`))
	waitBubble(vis, ".bot", "Hi Vera! Thanks for writing to Parley Demo Co.")
	vis.do("write a message", chromedp.Evaluate[chromedp.Void](`(() => {
		const r = `+shadow+`;
		r.querySelector(".composer textarea").value = "My screen is cracked";
		r.querySelector(".composer").requestSubmit();
	})()`))
	waitBubble(vis, ".customer", "My screen is cracked")

	alice := apiLogin(t, srv.URL, "alice", "alice-demo")
	alice.call("PUT", "/api/me/state", map[string]string{"state": "ready"}, nil)
	var chatID string
	deadline := time.Now().Add(20 * time.Second)
	for chatID == "" && time.Now().Before(deadline) {
		var offers struct {
			Offers []struct {
				Chat struct {
					ID       string                `json:"id"`
					Customer struct{ Name string } `json:"customer"`
				} `json:"chat"`
			} `json:"offers"`
		}
		alice.call("GET", "/api/offers", nil, &offers)
		for _, o := range offers.Offers {
			if o.Chat.Customer.Name == "Vera Stone" {
				chatID = o.Chat.ID
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if chatID == "" {
		t.Fatal("the visitor's chat was never offered to alice")
	}
	alice.call("POST", "/api/chats/"+chatID+"/accept", nil, nil)
	alice.call("POST", "/api/chats/"+chatID+"/messages", map[string]string{"text": "Hi Vera, I'm Alice. Which phone is it?"}, nil)
	waitBubble(vis, ".agent", "Hi Vera, I'm Alice. Which phone is it?")
	vis.screenshot("widget-chat-1280")

	// Quick replies and a postback button: the taps carry their payloads.
	alice.call("POST", "/api/chats/"+chatID+"/rich", map[string]any{"text": "Pick one:",
		"quick_replies": []map[string]string{{"title": "iPhone", "payload": "PHONE_IPHONE"}, {"title": "Pixel", "payload": "PHONE_PIXEL"}}}, nil)
	vis.waitFor("the quick replies", `() => `+shadow+`.querySelectorAll(".chips .chip").length === 2`)
	vis.screenshot("widget-quick-replies-1280")
	vis.do("tap Pixel", chromedp.Evaluate[chromedp.Void](`[...`+shadow+`.querySelectorAll(".chips .chip")].find((b) => b.textContent === "Pixel").click()`))
	waitBubble(vis, ".customer", "Pixel")
	alice.call("POST", "/api/chats/"+chatID+"/rich", map[string]any{"text": "Book a repair?",
		"buttons": []map[string]string{{"type": "postback", "title": "Book it", "payload": "BOOK_REPAIR"}}}, nil)
	vis.waitFor("the button", `() => [...`+shadow+`.querySelectorAll(".msg .btn")].some((b) => b.textContent === "Book it")`)
	vis.do("tap Book it", chromedp.Evaluate[chromedp.Void](`[...`+shadow+`.querySelectorAll(".msg .btn")].find((b) => b.textContent === "Book it").click()`))
	waitBubble(vis, ".customer", "Book it")
	payloads := map[string]bool{}
	deadline = time.Now().Add(10 * time.Second)
	for !(payloads["PHONE_PIXEL"] && payloads["BOOK_REPAIR"]) && time.Now().Before(deadline) {
		var msgs struct {
			Messages []struct{ Kind, Payload string } `json:"messages"`
		}
		alice.call("GET", "/api/chats/"+chatID+"/messages", nil, &msgs)
		for _, m := range msgs.Messages {
			payloads[m.Payload] = true
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !payloads["PHONE_PIXEL"] || !payloads["BOOK_REPAIR"] {
		t.Fatalf("the agent's transcript lacks the taps' payloads: %v", payloads)
	}

	vis.do("reload the page", chromedp.Reload())
	vis.waitFor("the launcher again", `() => !!`+shadow+`?.querySelector(".launcher")`)
	waitBubble(vis, ".agent", "Hi Vera, I'm Alice. Which phone is it?")
	waitBubble(vis, ".customer", "My screen is cracked")
	if n := eval[int](vis, shadow+`.querySelectorAll(".prechat input").length`); n != 0 {
		t.Fatalf("after a reload the pre-chat form is shown again (%d fields)", n)
	}
	alice.call("POST", "/api/chats/"+chatID+"/messages", map[string]string{"text": "Still there after the reload?"}, nil)
	waitBubble(vis, ".agent", "Still there after the reload?")
	if n := eval[int](vis, shadow+`.querySelectorAll('.msg').length`); n != eval[int](vis, `new Set([...`+shadow+`.querySelectorAll('.msg')].map((m) => m.dataset.id)).size`) {
		t.Fatalf("a message is shown twice")
	}

	// Checked before another tab opens: a background tab does not lay out.
	vis.do("a phone's width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	vis.waitFor("the panel at full width", `() => `+shadow+`.querySelector(".panel").getBoundingClientRect().width === 390`)
	vis.screenshot("widget-chat-phone")

	// Alice at her desktop sees Vera typing, and the line goes when the
	// message arrives.
	desk := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	desk.openChatWith("Vera Stone")
	// Web chat has no messaging window: nothing warns or blocks the
	// composer, and the chat says where it comes from.
	desk.waitFor("the channel panel", `() => [...document.querySelectorAll("#customer-details dt")].some((dt) =>
		dt.textContent === "Reachable" && dt.nextElementSibling.textContent === "Yes")`)
	if !eval[bool](desk, `document.querySelector("#reach-banner").hidden && !document.querySelector("#composer").hasAttribute("data-unreachable")`) {
		t.Error("the desktop warns that a web chat visitor cannot be reached")
	}
	desk.waitText(".conv-sub-text", "Web chat")
	desk.waitText("#customer-channel", "Web chat")
	desk.reply("Let me check the repair slots", false)
	waitBubble(vis, ".agent", "Let me check the repair slots")
	vis.do("start typing", chromedp.Evaluate[chromedp.Void](`(() => {
		const ta = `+shadow+`.querySelector(".composer textarea");
		ta.value = "It is a Pix"; ta.dispatchEvent(new Event("input"));
	})()`))
	desk.waitText("#typing-indicator:not([hidden])", "Vera Stone is typing…")
	desk.screenshot("desk-customer-typing")
	vis.do("send it", chromedp.Evaluate[chromedp.Void](`(() => {
		const r = `+shadow+`;
		r.querySelector(".composer textarea").value = "It is a Pixel 8";
		r.querySelector(".composer").requestSubmit();
	})()`))
	desk.waitText("#transcript", "It is a Pixel 8")
	desk.waitFor("the typing line to go", `() => document.querySelector("#typing-indicator").hidden`)
}

// waitBubble waits for a transcript bubble of a sender class holding text.
func waitBubble(tb *tab, class, text string) {
	tb.t.Helper()
	tb.waitFor(class+" "+text, `(cls, text) => [...(`+shadow+`?.querySelectorAll(".msg" + cls) || [])].some((m) => m.textContent.includes(text))`, class, text)
}

// apiClient is an agent using the JSON API with a session cookie.
type apiClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func apiLogin(t *testing.T, base, user, pass string) *apiClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &apiClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	a.call("POST", "/api/login", map[string]string{"username": user, "password": pass}, nil)
	return a
}

// call sends a JSON request and fails the test on anything but a 2xx.
func (a *apiClient) call(method, path string, in, out any) {
	a.t.Helper()
	var body bytes.Buffer
	if in != nil {
		_ = json.NewEncoder(&body).Encode(in)
	}
	req, _ := http.NewRequest(method, a.base+path, &body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		a.t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}
