package app_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestListPaging: the chat list and a transcript come a page at a time;
// following the cursors gives every chat and every message exactly once,
// in order.
func TestListPaging(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			const customers = 5
			for i := range customers {
				body := fakegraph.TextEvent(pageID, fmt.Sprintf("72000000000000%02d", i), fmt.Sprintf("m_page_%d", i), "Hello", time.Now())
				if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
					t.Fatalf("webhook: %s %s", resp.Status, msg)
				}
			}
			for i := range 4 {
				w.customerSays(fmt.Sprintf("m_more_%d", i), fmt.Sprintf("message %d", i))
			}
			ada := w.login("ada", "ada-pass")
			type page struct {
				Chats []chatJSON `json:"chats"`
				Next  string     `json:"next_cursor"`
			}
			eventually(t, "every chat", func() bool {
				var all page
				ada.do(http.MethodGet, "/api/chats", nil, &all)
				return len(all.Chats) == customers+1
			})
			seen := map[string]bool{}
			cursor, pages := "", 0
			for {
				var p page
				if code := ada.do(http.MethodGet, "/api/chats?limit=2&cursor="+cursor, nil, &p); code != http.StatusOK {
					t.Fatalf("page %d: HTTP %d", pages, code)
				}
				pages++
				for _, c := range p.Chats {
					if seen[c.ID] {
						t.Fatalf("chat %s on two pages", c.ID)
					}
					seen[c.ID] = true
				}
				if p.Next == "" {
					break
				}
				cursor = p.Next
			}
			if len(seen) != customers+1 || pages != 3 {
				t.Fatalf("%d chats in %d pages, want %d in 3", len(seen), pages, customers+1)
			}
			for _, bad := range []string{"?cursor=not-a-cursor", "?limit=0", "?limit=501", "?limit=x"} {
				if code := ada.do(http.MethodGet, "/api/chats"+bad, nil, nil); code != http.StatusBadRequest {
					t.Errorf("/api/chats%s: HTTP %d, want 400", bad, code)
				}
			}

			alice, chatID := connect(t, w)
			for i := range 4 {
				alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": fmt.Sprintf("reply %d", i)}, nil)
			}
			var want []messageJSON
			eventually(t, "the transcript", func() bool { want = alice.messages(chatID); return len(want) >= 5 })
			var got []messageJSON
			after := int64(0)
			for range 10 {
				var p struct {
					Messages  []messageJSON `json:"messages"`
					NextAfter int64         `json:"next_after"`
				}
				if code := alice.do(http.MethodGet, fmt.Sprintf("/api/chats/%s/messages?limit=2&after=%d", chatID, after), nil, &p); code != http.StatusOK {
					t.Fatalf("messages: HTTP %d", code)
				}
				if len(p.Messages) > 2 {
					t.Fatalf("a page of %d messages, limit 2", len(p.Messages))
				}
				got = append(got, p.Messages...)
				if p.NextAfter == 0 {
					break
				}
				after = p.NextAfter
			}
			if len(got) != len(want) || got[0].ID != want[0].ID {
				t.Fatalf("paged %d messages, want %d", len(got), len(want))
			}
			for i := range got {
				if i > 0 && got[i].Seq != got[i-1].Seq+1 {
					t.Fatalf("messages out of order or missing at %d: %d after %d", i, got[i].Seq, got[i-1].Seq)
				}
			}
		})
	}
}
