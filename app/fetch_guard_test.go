package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestMediaFetchGuard: a customer's attachment whose link points inside
// the server's network (here loopback) is not fetched unless the
// administrator allows private addresses; the message still arrives,
// with the link and the reason it was not copied.
func TestMediaFetchGuard(t *testing.T) {
	var hits atomic.Int32
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\ninternal"))
	}))
	t.Cleanup(inside.Close)
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			hits.Store(0)
			w := newTunedWorld(t, dsn(t), func(c *app.Config) { c.AllowPrivateFetch = false })
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			w.customerSays("m_text", "Hello")
			alice, chatID := connect(t, w)
			w.send(c.Attachment("m_inside", "image", inside.URL+"/admin/secrets.png", time.Now()))

			var payload string
			eventually(t, "the attachment's copy tried", func() bool {
				for _, m := range alice.rich(chatID) {
					if m.Kind == "attachment" && !strings.Contains(m.Payload, `"copying":true`) {
						payload = m.Payload
						return true
					}
				}
				return false
			})
			var att struct {
				Attachments []struct {
					URL       string `json:"url"`
					FileID    string `json:"file_id"`
					CopyError string `json:"copy_error"`
				} `json:"attachments"`
			}
			if err := json.Unmarshal([]byte(payload), &att); err != nil || len(att.Attachments) != 1 {
				t.Fatalf("payload %s: %v", payload, err)
			}
			a := att.Attachments[0]
			if a.FileID != "" || !strings.Contains(a.CopyError, "not allowed") {
				t.Fatalf("attachment = %+v; want not copied, refused as inside the network", a)
			}
			if n := hits.Load(); n != 0 {
				t.Fatalf("the inside address was fetched %d times", n)
			}
		})
	}
}
