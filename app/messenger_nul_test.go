package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestMessengerNULStripped posts a signed webhook whose mid and text hold
// NUL bytes (PostgreSQL text cannot store them) twice, as Facebook
// redelivers, and expects 200 both times and the message in the
// transcript once, without the NULs, on both databases.
func TestMessengerNULStripped(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			body := fakegraph.Body(pageID, c.Text("m_nul\x00_1", "Hello\x00 there", time.Now()))
			for i := range 2 {
				if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
					t.Fatalf("delivery %d: %s %s", i+1, resp.Status, msg)
				}
			}
			w.customerSays("m_after_nul", "after")
			alice, chatID := connect(t, w)
			var ms []messageJSON
			eventually(t, "the message after the NUL one", func() bool {
				ms = alice.messages(chatID)
				for _, m := range ms {
					if m.Text == "after" {
						return true
					}
				}
				return false
			})
			n := 0
			for _, m := range ms {
				if m.Direction == "in" && m.Text == "Hello there" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("the NUL message is in the transcript %d times, want once: %+v", n, ms)
			}
		})
	}
}
