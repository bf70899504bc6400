package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/simulator"
)

// TestDemoHelpCentre is issue 14's walk-through on `parley demo`, on both
// databases: the demo shop's help-centre button (an opt-in with ref
// help-center) starts the self-service flow of the demo scenario over the
// demo knowledge base: "my screen is broken" gets a carousel led by the
// broken-screen article, "None of these" the ticket form in the webview,
// the form the case number and the follow-up question, "yes" the closing
// line, and an agent solving the ticket a follow-up. Another customer of the help centre types "agent" at the
// articles: the chat goes to an agent, who sees what the bot said and
// offered. A chat without the ref is greeted and queued as before.
func TestDemoHelpCentre(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			a, _ := startDemoOn(t, dsn(t))
			base := a.URL()

			// Dana clicks the help centre's Send to Messenger button.
			const dana = "2401123456789101"
			simPost(t, a, map[string]any{"user": dana, "first_name": "Dana", "optin": map[string]string{"ref": "help-center"}})
			ask := simWait(t, base, dana, "the bot's question", func(r simulator.Reply) bool {
				return strings.HasPrefix(r.Text, "What can I help you with?")
			})
			if !hasTap(ask.QuickReplies, "Talk to a person") {
				t.Errorf("the question offers no way to a person: %+v", ask.QuickReplies)
			}
			if got := simulatorTexts(t, base, "messenger", dana); !strings.HasPrefix(got, "Hi Dana! Thanks for writing to Parley Demo Co.\n") ||
				strings.Contains(got, "Let me find someone") {
				t.Errorf("before the question the bot said:\n%s", got)
			}

			simPost(t, a, map[string]any{"user": dana, "first_name": "Dana", "text": "my screen is broken"})
			carousel := simWait(t, base, dana, "the articles", func(r simulator.Reply) bool { return len(r.Cards) > 0 })
			first, last := carousel.Cards[0], carousel.Cards[len(carousel.Cards)-1]
			if first.Title != "My screen is broken or cracked" || len(first.Buttons) == 0 || !strings.Contains(first.Buttons[0].URL, "/kb/") {
				t.Fatalf("first card: %+v", first)
			}
			if code, page := get(t, first.Buttons[0].URL); code != http.StatusOK || !strings.Contains(page, "My screen is broken or cracked") {
				t.Errorf("the article's page: HTTP %d", code)
			}
			if !hasTap(carousel.QuickReplies, "Talk to a person") {
				t.Errorf("the carousel offers no way to a person: %+v", carousel.QuickReplies)
			}
			none := last.Buttons[0]
			if none.Title != "None of these" || none.Tap == nil || none.Tap.Postback == nil {
				t.Fatalf("last card: %+v", last)
			}

			simPost(t, a, map[string]any{"user": dana, "first_name": "Dana", "postback": none.Tap.Postback})
			form := simWait(t, base, dana, "the ticket form's button", func(r simulator.Reply) bool {
				return len(r.Buttons) > 0 && strings.Contains(r.Buttons[0].URL, "/webview/ticket/")
			})
			link := form.Buttons[0].URL
			if code, page := get(t, link); code != http.StatusOK || !strings.Contains(page, "Tell us what happened") {
				t.Fatalf("the ticket form: HTTP %d", code)
			}
			if code, page := postForm(t, link, url.Values{"subject": {"Screen broken"}, "details": {"Dropped it on the stairs"}, "field_device": {"Phone"}}); code != http.StatusOK ||
				!strings.Contains(page, "#1") {
				t.Fatalf("submit the form: HTTP %d %s", code, page)
			}
			consent := simWait(t, base, dana, "the follow-up question", func(r simulator.Reply) bool { return len(r.QuickReplies) == 2 })
			if !hasTap(consent.QuickReplies, "Yes, please") || !hasTap(consent.QuickReplies, "No, thanks") {
				t.Fatalf("follow-up choices: %+v", consent.QuickReplies)
			}
			simPost(t, a, map[string]any{"user": dana, "first_name": "Dana", "text": "Yes, please", "quick_reply": "FOLLOWUP_YES"})
			simWait(t, base, dana, "the closing line", func(r simulator.Reply) bool {
				return r.Text == "Thank you, Dana! Our team has case 1 now."
			})
			if got := simulatorTexts(t, base, "messenger", dana); !strings.Contains(got, "Thanks! Your case number is 1.\n") {
				t.Errorf("the case number was not told:\n%s", got)
			}
			// Alice solves the case; Dana said yes, so she hears of it.
			alice := loginTo(t, base, "alice", "alice-demo")
			var list struct {
				Tickets []struct {
					ID       string `json:"id"`
					Number   int64  `json:"number"`
					FollowUp string `json:"follow_up"`
					Version  int    `json:"version"`
				} `json:"tickets"`
			}
			if code := alice.do(http.MethodGet, "/api/tickets", nil, &list); code != http.StatusOK || len(list.Tickets) != 1 ||
				list.Tickets[0].Number != 1 || list.Tickets[0].FollowUp != "yes" {
				t.Fatalf("tickets: HTTP %d %+v", code, list.Tickets)
			}
			tk := list.Tickets[0]
			if code := alice.do(http.MethodPatch, "/api/tickets/"+tk.ID, map[string]any{"version": tk.Version, "status": "solved"}, nil); code != http.StatusOK {
				t.Fatalf("solve: HTTP %d", code)
			}
			simWait(t, base, dana, "the follow-up", func(r simulator.Reply) bool {
				return r.Text == "An update on your case #1 (Screen broken): it is now solved."
			})

			// Lee, from the help centre too, asks for a person at the articles.
			alice.ready()
			const lee = "2401123456789102"
			simPost(t, a, map[string]any{"user": lee, "first_name": "Lee", "optin": map[string]string{"ref": "help-center"}})
			simWait(t, base, lee, "the bot's question", func(r simulator.Reply) bool { return strings.HasPrefix(r.Text, "What can I help you with?") })
			simPost(t, a, map[string]any{"user": lee, "first_name": "Lee", "text": "my battery drains fast"})
			simWait(t, base, lee, "the articles", func(r simulator.Reply) bool { return len(r.Cards) > 0 })
			simPost(t, a, map[string]any{"user": lee, "first_name": "Lee", "text": "Agent!"})
			chatID := acceptOffer(t, alice)
			simWait(t, base, lee, "the connection", func(r simulator.Reply) bool { return r.Text == "You are now connected with an agent." })
			var said []string
			for _, m := range alice.rich(chatID) {
				said = append(said, m.Sender+": "+m.Text)
			}
			for _, want := range []string{"customer: my battery drains fast", "customer: Agent!", "bot: These articles might help:"} {
				if !slices.Contains(said, want) {
					t.Errorf("the agent does not see %q in %q", want, said)
				}
			}
			if !slices.ContainsFunc(said, func(s string) bool { return strings.HasPrefix(s, "bot: What can I help you with?") }) {
				t.Errorf("the agent does not see the bot's question in %q", said)
			}
			if !slices.ContainsFunc(alice.rich(chatID), func(m richMessage) bool {
				return m.Sender == "bot" && strings.Contains(m.Payload, `"title":"The battery drains fast"`)
			}) {
				t.Errorf("the agent does not see the articles offered: %+v", alice.rich(chatID))
			}
			var panel struct{ Vars map[string]string }
			alice.do(http.MethodGet, "/api/chats/"+chatID+"/customer", nil, &panel)
			if panel.Vars["escalated_from"] != "faq-offer" || panel.Vars["ref"] != "help-center" {
				t.Errorf("chat variables %v, want ref help-center, escalated from faq-offer", panel.Vars)
			}

			// Kim writes without the help centre: greeted and queued as always,
			// and "agent" there is only a message.
			const kim = "2401123456789103"
			simPost(t, a, map[string]any{"user": kim, "first_name": "Kim", "text": "agent"})
			eventually(t, "Kim's greeting and the queue", func() bool {
				got := simulatorTexts(t, base, "messenger", kim)
				greeting := strings.Index(got, "Hi Kim! Thanks for writing to Parley Demo Co.\n")
				return greeting >= 0 && strings.Index(got, "Let me find someone to help you.\n") > greeting
			})
			if got := simulatorTexts(t, base, "messenger", kim); strings.Contains(got, "What can I help you with?") {
				t.Errorf("a chat without the ref got the help centre:\n%s", got)
			}
			kimID := acceptOffer(t, alice)
			if kimID == chatID {
				t.Fatal("the offer is Lee's chat again")
			}
		})
	}
}

// simPost sends an event of the demo simulator's customer: body has the
// user, the first name and what they send, and the channel (Messenger
// when it has none).
func simPost(t *testing.T, a *app.App, body map[string]any) {
	t.Helper()
	if body["channel"] == nil {
		body["channel"] = "messenger"
	}
	raw, _ := json.Marshal(body)
	resp, err := http.Post(a.URL()+"/simulator/api/send", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("simulator send %v: HTTP %d %s", body, resp.StatusCode, msg)
	}
}

// simWait waits for a message the page sent the simulator's customer
// user that ok accepts, and returns it.
func simWait(t *testing.T, base, user, what string, ok func(simulator.Reply) bool) simulator.Reply {
	t.Helper()
	var found simulator.Reply
	eventuallyOr(t, what, func() bool {
		resp, err := http.Get(base + "/simulator/api/messages?channel=messenger&user=" + url.QueryEscape(user))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Messages []simulator.Reply }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		i := slices.IndexFunc(out.Messages, ok)
		if i >= 0 {
			found = out.Messages[i]
		}
		return i >= 0
	}, func() string { return simulatorTexts(t, base, "messenger", user) })
	return found
}

func hasTap(list []simulator.Button, title string) bool {
	return slices.ContainsFunc(list, func(b simulator.Button) bool { return b.Title == title && b.Tap != nil })
}

// acceptOffer waits for an offer to the agent, accepts it and returns
// the chat's id.
func acceptOffer(t *testing.T, ag *agent) string {
	t.Helper()
	var chatID string
	eventually(t, "an offer", func() bool {
		var out struct {
			Offers []struct {
				Chat struct{ ID string } `json:"chat"`
			} `json:"offers"`
		}
		ag.do(http.MethodGet, "/api/offers", nil, &out)
		if len(out.Offers) > 0 {
			chatID = out.Offers[0].Chat.ID
		}
		return chatID != ""
	})
	if code := ag.do(http.MethodPost, "/api/chats/"+chatID+"/accept", nil, nil); code >= 300 {
		t.Fatalf("accept: HTTP %d", code)
	}
	return chatID
}
