package app_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
)

// TestConversationEndToEnd drives one conversation through the real server:
// Facebook webhook → store → scenario → routing → agent → Send API.
func TestConversationEndToEnd(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			base := w.app.URL()

			// The subscription handshake.
			resp, err := http.Get(base + "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=acme-verify&hub.challenge=CHALLENGE_42")
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusOK || body != "CHALLENGE_42" {
				t.Fatalf("handshake: %s %q", resp.Status, body)
			}
			resp, _ = http.Get(base + "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=x")
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("handshake with a wrong token: %s, want 403", resp.Status)
			}

			// Deliveries that must be refused, and lose nothing.
			good := []byte(`{"object":"page","entry":[{"id":"200000000000001","time":1,"messaging":[]}]}`)
			for _, tc := range []struct {
				name string
				body []byte
				sig  string
				want int
			}{
				{"unsigned", good, "", http.StatusForbidden},
				{"badly signed", good, messenger.Sign(good, "not-the-secret"), http.StatusForbidden},
				{"malformed", []byte(`{"object":"page","entry":[`), messenger.Sign([]byte(`{"object":"page","entry":[`), appSecret), http.StatusBadRequest},
				{"oversized", append(good, make([]byte, messenger.MaxBodyBytes)...), "sha256=00", http.StatusRequestEntityTooLarge},
			} {
				if resp, msg := w.postWebhook(tc.body, tc.sig); resp.StatusCode != tc.want {
					t.Errorf("%s: %s %s, want %d", tc.name, resp.Status, msg, tc.want)
				}
			}

			// The customer writes; Facebook delivers the same event twice.
			w.customerSays("m_first", "Hello, my order is late")
			w.customerSays("m_first", "Hello, my order is late")
			eventually(t, "greeting and queueing", func() bool { return countText(w.graph.SentTo(psid), "Hi Jane!") == 1 })

			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			var chats []chatJSON
			eventually(t, "the chat to be routed to alice", func() bool { chats = alice.chats(); return len(chats) == 1 })
			chat := chats[0]
			if chat.Customer.Name != "Jane Doe" || chat.State != "assigned" {
				t.Fatalf("chat = %+v, want Jane Doe, assigned", chat)
			}
			eventually(t, "connecting message", func() bool { return countText(w.graph.SentTo(psid), "Connecting you to an agent.") == 1 })
			in := 0
			for _, m := range alice.messages(chat.ID) {
				if m.Direction == "in" {
					in++
				}
			}
			if in != 1 {
				t.Fatalf("customer messages in transcript = %d, want 1 (redelivery must be dropped)", in)
			}

			// The agent replies: exactly one correct Send API call.
			var sent messageJSON
			if code := alice.do(http.MethodPost, "/api/chats/"+chat.ID+"/messages", map[string]string{"text": "Sorry about that, let me check."}, &sent); code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			eventually(t, "reply delivered", func() bool {
				for _, m := range alice.messages(chat.ID) {
					if m.ID == sent.ID && m.Status == "sent" {
						return true
					}
				}
				return false
			})
			var replies int
			for _, c := range w.graph.Sent() {
				if c.Text == "Sorry about that, let me check." {
					replies++
					if c.PSID != psid || c.PageID != pageID || c.MessagingType != "RESPONSE" {
						t.Errorf("send call = %+v", c)
					}
				}
			}
			if replies != 1 {
				t.Fatalf("reply sent %d times, want exactly once; sent: %s", replies, joined(texts(w.graph.Sent())))
			}

			// Closing runs the rest of the scenario: goodbye, then the end.
			if code := alice.do(http.MethodPost, "/api/chats/"+chat.ID+"/close", nil, nil); code != http.StatusNoContent {
				t.Fatalf("close: HTTP %d", code)
			}
			eventually(t, "goodbye", func() bool { return countText(w.graph.SentTo(psid), "Goodbye Jane.") == 1 })
			if n := len(alice.chats()); n != 0 {
				t.Fatalf("alice still has %d chats after closing", n)
			}
		})
	}
}

// TestRestartLosesNothing stops the server mid-conversation and starts it
// again on the same database.
func TestRestartLosesNothing(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			alice := w.login("alice", "alice-pass")
			alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
			w.customerSays("m_1", "First message")
			var chats []chatJSON
			eventually(t, "routing", func() bool { chats = alice.chats(); return len(chats) == 1 })
			alice.do(http.MethodPost, "/api/chats/"+chats[0].ID+"/messages", map[string]string{"text": "Reply before restart"}, nil)
			eventually(t, "reply sent", func() bool { return countText(w.graph.SentTo(psid), "Reply before restart") == 1 })
			before := alice.messages(chats[0].ID)

			w.restart()
			alice = w.login("alice", "alice-pass")
			after := alice.chats()
			if len(after) != 1 || after[0].ID != chats[0].ID || after[0].State != "assigned" {
				t.Fatalf("after restart chats = %+v, want the same assigned chat", after)
			}
			if got := alice.messages(chats[0].ID); len(got) != len(before) {
				t.Fatalf("after restart %d messages, before %d", len(got), len(before))
			}
			w.customerSays("m_2", "Still there?")
			eventually(t, "new message after restart", func() bool {
				ms := alice.messages(chats[0].ID)
				return ms[len(ms)-1].Text == "Still there?"
			})
			alice.do(http.MethodPost, "/api/chats/"+chats[0].ID+"/messages", map[string]string{"text": "Yes!"}, nil)
			eventually(t, "reply after restart", func() bool { return countText(w.graph.SentTo(psid), "Yes!") == 1 })
			if n := countText(w.graph.SentTo(psid), "Reply before restart"); n != 1 {
				t.Fatalf("reply before restart sent %d times", n)
			}
		})
	}
}

// TestEventStreamResumes checks that a reconnecting browser gets what it
// missed, once.
func TestEventStreamResumes(t *testing.T) {
	w := newWorld(t, databases(t)["sqlite"](t))
	alice := w.login("alice", "alice-pass")
	alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	first := alice.stream(ctx, "")
	w.customerSays("m_a", "one")
	var lastID string
	seen := map[string]int{}
	for ev := range first {
		seen[ev.data]++
		lastID = ev.id
		if ev.typ == "chat.assigned" {
			break
		}
	}
	cancel()
	w.customerSays("m_b", "two") // while disconnected

	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	for ev := range alice.stream(ctx2, lastID) {
		if seen[ev.data] > 0 {
			t.Fatalf("event replayed after reconnect: %s", ev.data)
		}
		seen[ev.data]++
		if ev.typ == "message" && strings.Contains(ev.data, `"text":"two"`) {
			return
		}
	}
	t.Fatal("the message sent while disconnected never arrived")
}

type sse struct{ id, typ, data string }

func (a *agent) stream(ctx context.Context, lastID string) <-chan sse {
	a.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	client := &http.Client{Jar: a.client.Jar}
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		a.t.Fatalf("events: %v %v", err, resp)
	}
	out := make(chan sse)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.typ = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			case line == "" && ev.typ != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = sse{}
			}
		}
	}()
	return out
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text())
	}
	return b.String()
}
