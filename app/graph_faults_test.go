package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestSendsWhileGraphFails: with the Send API failing half its calls
// (every message's first try answered 500 or 613, in turn), greetings and
// the agent's replies still reach each customer once each and in the
// order written, and every reply ends up sent.
func TestSendsWhileGraphFails(t *testing.T) {
	const customers, replies = 2, 2 // alice's capacity is 2; each failed try waits 2 s
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.graph.SetRateLimitRegain(0)
			w.graph.FailEachMessage(1, fakegraph.FailServer, fakegraph.FailRateLimit)
			psids := make([]string, customers)
			for c := range customers {
				psids[c] = fmt.Sprintf("70000000000004%02d", c)
				w.graph.SetProfile(psids[c], "Flaky", fmt.Sprintf("No%02d", c), "")
				w.says(psids[c], fmt.Sprintf("m.f.%d", c), "hello")
			}
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			chatOf := map[string]string{} // customer name -> chat id
			eventually(t, "both chats assigned to alice", func() bool {
				for _, c := range alice.chats() {
					if c.State == "assigned" {
						chatOf[c.Customer.Name] = c.ID
					}
				}
				return len(chatOf) == customers
			})
			var want []string
			for i := range replies {
				want = append(want, fmt.Sprintf("reply %d", i))
			}
			for c := range customers {
				id := chatOf[fmt.Sprintf("Flaky No%02d", c)]
				for _, text := range want {
					if code := alice.do(http.MethodPost, "/api/chats/"+id+"/messages", map[string]string{"text": text}, nil); code != http.StatusCreated {
						t.Fatalf("reply: HTTP %d", code)
					}
				}
			}
			for c, psid := range psids {
				id := chatOf[fmt.Sprintf("Flaky No%02d", c)]
				eventually(t, fmt.Sprintf("customer %d's replies sent", c), func() bool {
					sent := 0
					for _, m := range alice.rich(id) {
						if slices.Contains(want, m.Text) && (m.Status == "sent" || m.Status == "delivered" || m.Status == "read") {
							sent++
						}
					}
					return sent == replies
				})
				var got []string
				for _, call := range w.graph.SentTo(psid) {
					if call.Text != "" {
						got = append(got, call.Text)
					}
				}
				if countText(w.graph.SentTo(psid), "Hi Flaky!") != 1 {
					t.Errorf("customer %d got the greeting %d times, want once: %q", c, countText(w.graph.SentTo(psid), "Hi Flaky!"), got)
				}
				var replied []string
				for _, text := range got {
					if slices.Contains(want, text) {
						replied = append(replied, text)
					}
				}
				if !slices.Equal(replied, want) {
					t.Errorf("customer %d got replies %q, want %q once each in order", c, replied, want)
				}
			}
			// A greeting, the queue message and the replies, each failed once.
			if n := w.graph.FlakyFailures(); n < customers*(1+replies) {
				t.Errorf("the Send API failed %d calls, want every message's first try", n)
			}
		})
	}
}
