package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestSelfServiceFlow is Meta's customer-service blueprint end to end on
// both databases: the customer describes the issue, the bot offers
// knowledge base articles as a carousel, "None of these" leads to the
// ticket form in the webview (a signed link: tampering is refused), the
// case number comes back into the chat, the customer agrees to
// follow-ups, and an agent solving the ticket messages them. Another
// customer says "agent" and is queued for a person.
func TestSelfServiceFlow(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := &flowWorld{world: newWorldFrom(t, dsn(t), "testdata/selfservice.yaml", nil)}
			admin := w.login("ada", "ada-pass")
			for _, a := range []map[string]any{
				{"title": "Fix a broken screen", "body": "Bring the phone to a store; a cracked **screen** is replaced in a day.", "published": true},
				{"title": "Battery drains fast", "body": "Turn off background refresh.", "published": true},
			} {
				if code := admin.do(http.MethodPost, "/api/kb/articles", a, nil); code != http.StatusCreated {
					t.Fatalf("create article: HTTP %d", code)
				}
			}

			dana := w.customer("3100000000000001", "Dana")
			dana.says("hello")
			dana.hears("Hi Dana! What can I help you with?")
			dana.says("my screen is broken")
			carousel := waitCall(t, w, dana.psid, func(c fakegraph.SentCall) bool { return c.TemplateType == "generic" })
			elements := templatePayload(t, carousel)["elements"].([]any)
			first := elements[0].(map[string]any)
			last := elements[len(elements)-1].(map[string]any)
			view := first["buttons"].([]any)[0].(map[string]any)
			if first["title"] != "Fix a broken screen" || view["type"] != "web_url" || view["webview_height_ratio"] != "tall" ||
				!strings.Contains(view["url"].(string), "/kb/default/articles/") {
				t.Fatalf("first card: %v", first)
			}
			none := last["buttons"].([]any)[0].(map[string]any)
			if none["type"] != "postback" || none["payload"] != "KB_NONE" || none["title"] != "None of these" {
				t.Fatalf("last card: %v", last)
			}
			if len(carousel.QuickReplies) != 1 || carousel.QuickReplies[0].Payload != "PARLEY_AGENT" {
				t.Fatalf("the carousel carries the escalation button: %+v", carousel.QuickReplies)
			}
			if code, body := get(t, view["url"].(string)); code != http.StatusOK || !strings.Contains(body, "Fix a broken screen") {
				t.Fatalf("article page: %d", code)
			}

			body := fakegraph.PostbackEvent(pageID, dana.psid, "m_pb_1", "None of these", "KB_NONE", time.Now())
			if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
				t.Fatalf("postback: %s %s", resp.Status, msg)
			}
			button := waitCall(t, w, dana.psid, func(c fakegraph.SentCall) bool { return c.TemplateType == "button" })
			btn := templatePayload(t, button)["buttons"].([]any)[0].(map[string]any)
			link := btn["url"].(string)
			if btn["type"] != "web_url" || !strings.Contains(link, "/webview/ticket/") {
				t.Fatalf("ticket button: %v", btn)
			}

			// The link is bound to Dana: any change to it is refused.
			tampered := link[:len(link)-3] + "AAA"
			if code, body := get(t, tampered); code != http.StatusForbidden || !strings.Contains(body, "not valid") {
				t.Fatalf("tampered link: %d %s", code, body)
			}
			if code, body := get(t, link); code != http.StatusOK || !strings.Contains(body, "Tell us what happened") {
				t.Fatalf("form: %d", code)
			}
			if code, body := postForm(t, link, url.Values{"subject": {""}}); code != http.StatusBadRequest || !strings.Contains(body, "ticket-error") {
				t.Fatalf("empty form: %d", code)
			}
			if code, _ := postForm(t, link, url.Values{"subject": {"x"}, "signed_request": {"forged.payload"}}); code != http.StatusForbidden {
				t.Fatalf("a forged Messenger Extensions request: %d", code)
			}
			code, page := postForm(t, link, url.Values{"subject": {"Screen broken"}, "details": {"Dropped it"}})
			if code != http.StatusOK || !strings.Contains(page, "#1") {
				t.Fatalf("submit: %d %s", code, page)
			}
			if code, page := postForm(t, link, url.Values{"subject": {"again"}}); code != http.StatusOK || !strings.Contains(page, "#1") {
				t.Fatalf("a second submission of the same link files nothing new: %d", code)
			}
			// Inside Messenger's in-app browser the filed form sends the
			// customer back: Messenger closes its webview at closeWindow.
			const closeURL = "https://www.messenger.com/closeWindow/?image_url=&amp;display_text=Case&#43;%231&#43;received"
			for _, c := range []struct {
				ua        string
				wantClose bool
			}{
				{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) [FBAN/MessengerForiOS;FBAV/450.0]", true},
				{"Mozilla/5.0 (Linux; Android 14) [FB_IAB/MESSENGER;FBAV/450.0]", true},
				{"Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0", false},
			} {
				page := getWithAgent(t, link, c.ua)
				refresh := strings.Contains(page, `<meta http-equiv="refresh" content="3;url=`+closeURL+`">`)
				button := strings.Contains(page, `id="ticket-close" class="button primary" href="`+closeURL+`"`)
				if refresh != c.wantClose || button != c.wantClose || !strings.Contains(page, "#1") {
					t.Errorf("filed form for %q: refresh %v, button %v, want %v", c.ua, refresh, button, c.wantClose)
				}
			}

			consent := waitCall(t, w, dana.psid, func(c fakegraph.SentCall) bool { return len(c.QuickReplies) == 2 })
			if consent.QuickReplies[0].Payload != "FOLLOWUP_YES" || consent.QuickReplies[1].Payload != "FOLLOWUP_NO" {
				t.Fatalf("consent quick replies: %+v", consent.QuickReplies)
			}
			if countText(w.graph.SentTo(dana.psid), "Thanks! Your case number is 1.") != 1 {
				t.Fatalf("case number not told once: %q", texts(w.graph.SentTo(dana.psid)))
			}
			dana.says("yes")
			eventually(t, "we'll be in touch", func() bool { return countText(w.graph.SentTo(dana.psid), "We'll be in touch.") == 1 })

			alice := w.login("alice", "alice-pass")
			var list struct {
				Tickets []struct {
					ID       string `json:"id"`
					Number   int64  `json:"number"`
					Status   string `json:"status"`
					FollowUp string `json:"follow_up"`
					Version  int    `json:"version"`
				} `json:"tickets"`
				Total int `json:"total"`
			}
			if code := alice.do(http.MethodGet, "/api/tickets?status=new", nil, &list); code != http.StatusOK || list.Total != 1 {
				t.Fatalf("agent's tickets: %d %+v", code, list)
			}
			tk := list.Tickets[0]
			if tk.Number != 1 || tk.FollowUp != "yes" {
				t.Fatalf("ticket %+v", tk)
			}
			if code := alice.do(http.MethodPost, "/api/tickets/"+tk.ID+"/notes", map[string]string{"text": "Store in Lyon has stock"}, nil); code != http.StatusCreated {
				t.Fatalf("note: %d", code)
			}
			if code := alice.do(http.MethodPatch, "/api/tickets/"+tk.ID, map[string]any{"version": tk.Version + 5, "status": "solved"}, nil); code != http.StatusConflict {
				t.Fatalf("stale version: %d", code)
			}
			if code := alice.do(http.MethodPatch, "/api/tickets/"+tk.ID, map[string]any{"version": tk.Version, "status": "solved"}, nil); code != http.StatusOK {
				t.Fatalf("solve: %d", code)
			}
			update := "An update on your case #1 (Screen broken): it is now solved."
			eventually(t, "the follow-up", func() bool { return countText(w.graph.SentTo(dana.psid), update) == 1 })
			var detail struct {
				History []struct {
					Kind, Text string
				} `json:"history"`
			}
			alice.do(http.MethodGet, "/api/tickets/"+tk.ID, nil, &detail)
			var kinds []string
			for _, e := range detail.History {
				kinds = append(kinds, e.Kind)
			}
			if strings.Join(kinds, ",") != "created,consent,note,status,follow_up" {
				t.Fatalf("history %v", kinds)
			}

			// Anyone, at the article step, asks for a person.
			sam := w.customer("3100000000000002", "Sam")
			sam.says("hello")
			sam.hears("Hi Sam! What can I help you with?")
			sam.says("battery")
			waitCall(t, w, sam.psid, func(c fakegraph.SentCall) bool { return c.TemplateType == "generic" })
			sam.says("Agent!")
			eventually(t, "Sam queued for a person", func() bool {
				chats, err := w.app.Store.ScenarioChats(context.Background(), parley.DefaultTenant, "faq", 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, ch := range chats {
					if c, err := w.app.Store.Customer(context.Background(), ch.CustomerID); err == nil && c.ExternalID == sam.psid {
						return ch.State != parley.ChatBot && ch.Scenario.Vars["escalated_from"] == "offer" && ch.Scenario.Block == "find"
					}
				}
				return false
			})

			// Lee opens the article offered and says it answered him: the
			// knowledge base answered that chat without a person.
			lee := w.customer("3100000000000003", "Lee")
			lee.says("hello")
			lee.hears("Hi Lee! What can I help you with?")
			lee.says("cracked screen")
			leeCards := templatePayload(t, waitCall(t, w, lee.psid, func(c fakegraph.SentCall) bool { return c.TemplateType == "generic" }))
			leeFirst := leeCards["elements"].([]any)[0].(map[string]any)["buttons"].([]any)
			if code, _ := get(t, leeFirst[0].(map[string]any)["url"].(string)); code != http.StatusOK {
				t.Fatalf("Lee's article: %d", code)
			}
			helped := leeFirst[1].(map[string]any)
			body = fakegraph.PostbackEvent(pageID, lee.psid, "m_pb_lee", helped["title"].(string), helped["payload"].(string), time.Now())
			if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
				t.Fatalf("postback: %s %s", resp.Status, msg)
			}
			eventually(t, "glad", func() bool { return countText(w.graph.SentTo(lee.psid), "Glad that helped!") == 1 })

			var ss, arts reportTable
			eventually(t, "Lee's chat to end", func() bool {
				admin.do(http.MethodGet, "/api/reports/self_service", nil, &ss)
				return ss.cell(t, "All", "deflected") == "1"
			})
			for key, want := range map[string]string{"offered_chats": "3", "deflection_rate": "50.0", "to_agent": "0", "tickets": "1"} {
				if got := ss.cell(t, "All", key); got != want {
					t.Errorf("self-service %s = %q, want %q (%v)", key, got, want, ss.Rows)
				}
			}
			admin.do(http.MethodGet, "/api/reports/articles", nil, &arts)
			for key, want := range map[string]string{"offered": "2", "opened": "2", "helped": "1", "ticket_after": "1", "usefulness": "50.0"} {
				if got := arts.cell(t, "Fix a broken screen", key); got != want {
					t.Errorf("article %s = %q, want %q (%v)", key, got, want, arts.Rows)
				}
			}
		})
	}
}

// reportTable is a report table as the API returns it.
type reportTable struct {
	Columns []struct{ Key string } `json:"columns"`
	Rows    [][]string             `json:"rows"`
}

// cell is the value under key in the row whose first cell is first.
func (r reportTable) cell(t *testing.T, first, key string) string {
	t.Helper()
	for _, row := range r.Rows {
		if row[0] != first {
			continue
		}
		for i, c := range r.Columns {
			if c.Key == key {
				return row[i]
			}
		}
	}
	return ""
}

// waitCall waits for a Send API call to psid that ok accepts.
func waitCall(t *testing.T, w *flowWorld, psid string, ok func(fakegraph.SentCall) bool) fakegraph.SentCall {
	t.Helper()
	var found fakegraph.SentCall
	eventually(t, "a send to "+psid, func() bool {
		for _, c := range w.graph.SentTo(psid) {
			if ok(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

func templatePayload(t *testing.T, c fakegraph.SentCall) map[string]any {
	t.Helper()
	msg, _ := c.Body["message"].(map[string]any)
	att, _ := msg["attachment"].(map[string]any)
	p, ok := att["payload"].(map[string]any)
	if !ok {
		t.Fatalf("not a template: %v", c.Body)
	}
	return p
}

// getWithAgent reads a page as the browser with that user agent.
func getWithAgent(t *testing.T, u, ua string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func postForm(t *testing.T, u string, v url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
