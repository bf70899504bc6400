package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/hooks"
)

// hookTarget is an integrator's endpoint that fails every other request.
type hookTarget struct {
	secret func() string
	mu     sync.Mutex
	calls  int
	got    []hooks.Payload // accepted deliveries, in arrival order
	keys   []string        // their X-Parley-Delivery
	bad    []string        // signature problems
}

func (h *hookTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	if err := hooks.Verify(r.Header.Get(hooks.SignatureHeader), h.secret(), body, time.Now(), 5*time.Minute); err != nil {
		h.bad = append(h.bad, err.Error())
	}
	if h.calls%2 == 1 {
		http.Error(w, "flaky target", http.StatusServiceUnavailable)
		return
	}
	var p hooks.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		h.bad = append(h.bad, "body: "+err.Error())
	}
	h.got = append(h.got, p)
	h.keys = append(h.keys, r.Header.Get("X-Parley-Delivery"))
}

func (h *hookTarget) accepted() ([]hooks.Payload, []string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got), slices.Clone(h.bad), h.calls
}

// TestOutgoingWebhooks subscribes a target that fails half the time and
// checks that every public event after the subscription reaches it once
// accepted, in the event log's order, each signed; that the log shows
// the failed attempts; and the API's rules (secret shown once, private
// targets, stale edits).
func TestOutgoingWebhooks(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newFlowWorld(t, dsn(t), flowConfig{Open: true},
				func(c *app.Config) { c.HookTick, c.HookMaxBackoff = 20*time.Millisecond, 40*time.Millisecond })
			root := w.login("root", "root-pass")

			var secret string
			var mu sync.Mutex
			target := &hookTarget{secret: func() string { mu.Lock(); defer mu.Unlock(); return secret }}
			ts := httptest.NewServer(target)
			t.Cleanup(ts.Close)

			// A loopback target needs the admin's explicit consent.
			in := map[string]any{"name": "crm", "url": ts.URL + "/parley", "events": []string{"*"}}
			if code := root.do(http.MethodPost, "/api/admin/webhooks", in, nil); code != http.StatusBadRequest {
				t.Fatalf("loopback target without allow_private: HTTP %d, want 400", code)
			}
			in["allow_private"] = true
			var created struct {
				ID      string
				Secret  string
				Version int
			}
			mu.Lock()
			code := root.do(http.MethodPost, "/api/admin/webhooks", in, &created)
			secret = created.Secret
			mu.Unlock()
			if code != http.StatusCreated || created.Secret == "" {
				t.Fatalf("create: HTTP %d %+v", code, created)
			}
			var shown map[string]any
			if code := root.do(http.MethodGet, "/api/admin/webhooks/"+created.ID, nil, &shown); code != http.StatusOK || shown["secret"] != nil {
				t.Fatalf("get: HTTP %d, secret shown again: %v", code, shown["secret"])
			}
			start, err := w.app.Store.LastEventID(context.Background(), "default")
			if err != nil {
				t.Fatal(err)
			}

			// Traffic: two customers, each through the whole flow.
			for i, first := range []string{"Jane", "Joe"} {
				c := w.customer(fmt.Sprintf("7100%d", i), first)
				c.says("hello")
				c.hears("Hi "+first+"!", "We are closed. Your email?")
				email := strings.ToLower(first) + "@example.com"
				c.says(email)
				c.hears("Hi "+first+"!", "We are closed. Your email?", "We will write to "+email+".")
			}

			// Wait for the state checked: the webhook's log records a
			// delivery of every public event the event log holds after the
			// subscription (the log is written after the target answered,
			// so by then the target has them all).
			type logJSON struct {
				Deliveries []struct {
					EventID   int64 `json:"event_id"`
					Attempt   int
					Delivered bool
					Error     string
				}
			}
			var want []int64
			var log logJSON
			deadline := time.Now().Add(20 * time.Second)
			for {
				evs, err := w.app.Store.EventsAfter(context.Background(), "default", start, 1000)
				if err != nil {
					t.Fatal(err)
				}
				want = want[:0]
				for _, e := range evs {
					if e.Hook != "" {
						want = append(want, e.ID)
					}
				}
				log = logJSON{}
				if code := root.do(http.MethodGet, "/api/admin/webhooks/"+created.ID+"/deliveries?limit=200", nil, &log); code != http.StatusOK {
					t.Fatalf("deliveries: HTTP %d", code)
				}
				var delivered []int64
				for _, d := range log.Deliveries {
					if d.Delivered {
						delivered = append(delivered, d.EventID)
					}
				}
				slices.Sort(delivered)
				if len(want) > 0 && slices.Equal(delivered, want) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("delivered per the log: %v\nwant (the log's public events) %v", delivered, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
			got, bad, calls := target.accepted()
			var gotIDs []int64
			types := map[string]int{}
			for _, p := range got {
				gotIDs = append(gotIDs, p.EventID)
				types[p.Type]++
			}
			if !slices.Equal(gotIDs, want) {
				t.Fatalf("accepted event ids = %v\nwant (the log's public events, in order) %v", gotIDs, want)
			}
			if len(bad) > 0 {
				t.Errorf("signature or body problems: %q", bad)
			}
			if calls < 2*len(want)-1 {
				t.Errorf("target saw %d requests for %d events, want every first attempt refused", calls, len(want))
			}
			// Each customer: the chat, their two messages and the bot's three,
			// the three sends confirmed, the end of the chat.
			if types["chat.created"] != 2 || types["message.created"] != 10 || types["message.updated"] != 6 || types["chat.closed"] != 2 || len(types) != 4 {
				t.Errorf("event types delivered = %v, want 2 chat.created, 10 message.created, 6 message.updated, 2 chat.closed", types)
			}

			// The delivery log shows the failed attempts too.
			var ok, failed int
			for _, d := range log.Deliveries {
				if d.Delivered {
					ok++
				} else if d.Attempt >= 1 && d.Error != "" {
					failed++
				}
			}
			if ok != len(want) || failed < len(want)-1 {
				t.Errorf("delivery log: %d delivered, %d failed; want %d delivered and about as many failed", ok, failed, len(want))
			}

			// A stale edit is refused, a current one saved.
			edit := map[string]any{"name": "crm", "url": ts.URL + "/parley", "events": []string{"chat.closed"}, "allow_private": true, "version": created.Version}
			if code := root.do(http.MethodPut, "/api/admin/webhooks/"+created.ID, edit, nil); code != http.StatusOK {
				t.Fatalf("edit: HTTP %d", code)
			}
			if code := root.do(http.MethodPut, "/api/admin/webhooks/"+created.ID, edit, nil); code != http.StatusConflict {
				t.Errorf("stale edit: HTTP %d, want 409", code)
			}
		})
	}
}
