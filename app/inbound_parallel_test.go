package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// profileGate holds the Graph API's answers to one customer's profile
// lookup until released, and remembers whether the server gave up on one
// while it was held.
type profileGate struct {
	psid    string
	entered chan struct{} // closed when the first held lookup arrives
	release chan struct{}

	mu        sync.Mutex
	abandoned bool // a held lookup's request ended before release
	once      sync.Once
}

func newProfileGate(psid string) *profileGate {
	return &profileGate{psid: psid, entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *profileGate) wrap(graph *fakegraph.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+g.psid) {
			g.once.Do(func() { close(g.entered) })
			select {
			case <-g.release:
			case <-r.Context().Done():
				g.mu.Lock()
				g.abandoned = true
				g.mu.Unlock()
				return
			}
		}
		graph.ServeHTTP(w, r)
	})
}

func (g *profileGate) wasAbandoned() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.abandoned
}

// says posts one text message from psid and fails unless it is
// acknowledged.
func (w *world) says(psid, mid, text string) {
	w.t.Helper()
	if err := w.trySays(psid, mid, text); err != nil {
		w.t.Fatal(err)
	}
}

// trySays is says for other goroutines than the test's.
func (w *world) trySays(psid, mid, text string) error {
	body := fakegraph.TextEvent(pageID, psid, mid, text, time.Now())
	req, _ := http.NewRequest(http.MethodPost, w.app.URL()+"/webhooks/facebook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", messenger.Sign(body, appSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webhook from %s: %w", psid, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("webhook from %s: %s %s", psid, resp.Status, msg)
	}
	return nil
}

// customerTexts is the customer's messages in their chat, in the chat's
// order, as a supervisor reads them.
func customerTexts(sup *agent, customer string) []string {
	for _, c := range sup.chats() {
		if c.Customer.Name != customer {
			continue
		}
		var out []string
		for _, m := range sup.messages(c.ID) {
			if m.Sender == "customer" {
				out = append(out, m.Text)
			}
		}
		return out
	}
	return nil
}

// TestInboundCustomersInParallel: a new customer whose profile lookup
// hangs holds up nobody else. Another customer is greeted while the
// lookup is still held (before the change, events were handled one at a
// time and the second customer waited for the lookup's 3 s timeout, so
// the held request was abandoned first). The held customer's later
// messages wait behind the first and arrive in order once it is answered.
func TestInboundCustomersInParallel(t *testing.T) {
	const slowPSID, quickPSID = "7000000000000101", "7000000000000102"
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			gate := newProfileGate(slowPSID)
			w := newWorldBehind(t, dsn(t), "testdata/parley.yaml", nil, gate.wrap)
			w.graph.SetProfile(slowPSID, "Sol", "Slow", "")
			w.graph.SetProfile(quickPSID, "Quinn", "Quick", "")
			sam := w.login("sam", "sam-pass")

			w.says(slowPSID, "m.slow.1", "first")
			select {
			case <-gate.entered:
			case <-time.After(15 * time.Second):
				t.Fatal("the slow customer's profile was never looked up")
			}
			w.says(slowPSID, "m.slow.2", "second")
			w.says(quickPSID, "m.quick.1", "hello")
			w.says(slowPSID, "m.slow.3", "third")

			eventually(t, "the quick customer's greeting", func() bool {
				return countText(w.graph.SentTo(quickPSID), "Hi Quinn!") == 1
			})
			if gate.wasAbandoned() {
				t.Fatal("the quick customer was greeted only after the slow customer's profile lookup was given up")
			}
			if got := w.graph.SentTo(slowPSID); len(got) != 0 {
				t.Fatalf("the slow customer got %q before their profile was known", texts(got))
			}

			close(gate.release)
			eventually(t, "the slow customer's greeting", func() bool {
				return countText(w.graph.SentTo(slowPSID), "Hi Sol!") == 1
			})
			eventually(t, "the slow customer's three messages", func() bool {
				return len(customerTexts(sam, "Sol Slow")) == 3
			})
			if got, want := customerTexts(sam, "Sol Slow"), []string{"first", "second", "third"}; !slices.Equal(got, want) {
				t.Fatalf("slow customer's messages = %q, want %q", got, want)
			}
		})
	}
}

// TestInboundOrderPerCustomer: customers writing at the same time, each
// one message after another, find every message in their chat once and
// in the order they sent them.
func TestInboundOrderPerCustomer(t *testing.T) {
	const customers, each = 8, 15
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			for c := range customers {
				w.graph.SetProfile(fmt.Sprintf("70000000000002%02d", c), "Cust", fmt.Sprintf("No%02d", c), "")
			}
			sam := w.login("sam", "sam-pass")
			var wg sync.WaitGroup
			for c := range customers {
				wg.Go(func() {
					psid := fmt.Sprintf("70000000000002%02d", c)
					for i := range each {
						if err := w.trySays(psid, fmt.Sprintf("m.%d.%d", c, i), fmt.Sprintf("message %d", i)); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			want := make([]string, each)
			for i := range each {
				want[i] = fmt.Sprintf("message %d", i)
			}
			drained(t, w.app.Store)
			for c := range customers {
				name := fmt.Sprintf("Cust No%02d", c)
				if got := customerTexts(sam, name); !slices.Equal(got, want) {
					t.Errorf("%s's messages = %q, want %q", name, got, want)
				}
			}
		})
	}
}
