package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestSlowAttachmentHoldsNothing: a photo whose download hangs does not
// hold up the customer's next message; the photo shows as being received
// and, once the download finishes, as our own copy.
func TestSlowAttachmentHoldsNothing(t *testing.T) {
	photo := []byte("\x89PNG\r\n\x1a\nslow photo")
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			release := make(chan struct{})
			cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
				w.Header().Set("Content-Type", "image/png")
				_, _ = w.Write(photo)
			}))
			t.Cleanup(cdn.Close)
			released := false
			t.Cleanup(func() {
				if !released {
					close(release)
				}
			})
			w := newWorld(t, dsn(t))
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			w.send(c.Attachment("m_slow", "image", cdn.URL+"/slow.png", time.Now()))
			w.customerSays("m_2", "Did you get my photo?")

			eventually(t, "the next message while the photo downloads", func() bool {
				ms := alice.rich(chatID)
				for _, m := range ms {
					if m.Text == "Did you get my photo?" {
						return true
					}
				}
				return false
			})
			// The download is held until release, so whenever it starts,
			// the next message was shown without waiting for it; the
			// photo's own lane may start it a moment after.
			eventually(t, "the photo's download to start", func() bool { return hits.Load() > 0 })
			img := findKind(alice.rich(chatID), "attachment")
			if img == nil || !strings.Contains(img.Payload, `"copying":true`) {
				t.Fatalf("photo message while downloading = %+v, want it shown as being received", img)
			}

			close(release)
			released = true
			var url string
			eventually(t, "the photo copied", func() bool {
				if m := findKind(alice.rich(chatID), "attachment"); m != nil {
					url = fileURL(t, m.Payload)
				}
				return url != ""
			})
			resp, err := alice.client.Get(alice.base + url)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, photo) {
				t.Fatalf("our copy: %s %q", resp.Status, got)
			}
		})
	}
}
