package app_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// newOutboundWorld runs testdata/outbound.yaml, the page with or without
// the human agent permission, on a clock the test moves.
func newOutboundWorld(t *testing.T, dsn string, humanAgent bool, clock *testClock) *world {
	t.Helper()
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	graph.SetProfile(psid, "Jane", "Doe", "")
	gs := httptest.NewServer(graph)
	t.Cleanup(gs.Close)
	var buf bytes.Buffer
	data := map[string]any{"GraphURL": gs.URL, "HumanAgent": humanAgent}
	if err := template.Must(template.ParseFiles("testdata/outbound.yaml")).Execute(&buf, data); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, graph: graph, cfg: filepath.Join(t.TempDir(), "parley.yaml"), dsn: dsn,
		tune: func(c *app.Config) { c.Clock = clock }}
	if err := os.WriteFile(w.cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	w.start()
	return w
}

type customerMatchJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	OpenChat  bool   `json:"open_chat"`
	Reachable bool   `json:"reachable"`
	Refusal   string `json:"refusal"`
}

// TestStartChat: an agent starts a chat to a customer who wrote earlier,
// within Messenger's policy, and is refused outside it.
func TestStartChat(t *testing.T) {
	cases := []struct {
		name       string
		silence    time.Duration // since the customer's last message
		humanAgent bool
		wantCode   int
		wantType   string // messaging_type of the first message
		wantTag    string
		wantError  string
	}{
		{name: "within 24 hours", silence: time.Hour, wantCode: http.StatusCreated, wantType: "RESPONSE"},
		{name: "3 days, no permission", silence: 72 * time.Hour, wantCode: http.StatusConflict,
			wantError: "Jane Doe last wrote 3 days ago"},
		{name: "3 days, human agent", silence: 72 * time.Hour, humanAgent: true, wantCode: http.StatusCreated,
			wantType: "MESSAGE_TAG", wantTag: "HUMAN_AGENT"},
		{name: "8 days, human agent", silence: 8 * 24 * time.Hour, humanAgent: true, wantCode: http.StatusConflict,
			wantError: "More than 7 days"},
	}
	for db, mkDSN := range databases(t) {
		for _, tc := range cases {
			t.Run(db+"/"+tc.name, func(t *testing.T) {
				clock := &testClock{}
				clock.Set(time.Now())
				w := newOutboundWorld(t, mkDSN(t), tc.humanAgent, clock)
				alice := w.login("alice", "alice-pass")
				w.customerSays("m-hello", "hello")
				eventually(t, "the customer's chat ends", func() bool {
					return countText(w.graph.SentTo(psid), "Thanks, we will write back.") == 1 && len(openChats(w)) == 0
				})
				clock.Set(time.Now().Add(tc.silence))

				svc := outboundServiceID(t, alice)
				var found struct{ Customers []customerMatchJSON }
				if code := alice.do(http.MethodGet, "/api/customers?service_id="+svc+"&q=JANE", nil, &found); code != http.StatusOK || len(found.Customers) != 1 {
					t.Fatalf("search: HTTP %d, %+v", code, found.Customers)
				}
				jane := found.Customers[0]
				if jane.Name != "Jane Doe" || jane.OpenChat || jane.Reachable != (tc.wantCode == http.StatusCreated) {
					t.Fatalf("jane = %+v", jane)
				}

				req := map[string]string{"service_id": svc, "customer_id": jane.ID, "text": "Hi Jane, about your order", "client_id": "start-0001"}
				var chat chatJSON
				code, msg := alice.call(http.MethodPost, "/api/chats", req, &chat)
				if code != tc.wantCode || !strings.Contains(msg, tc.wantError) {
					t.Fatalf("start: HTTP %d %q, want %d %q", code, msg, tc.wantCode, tc.wantError)
				}
				if tc.wantCode != http.StatusCreated {
					if n := len(openChats(w)); n != 0 {
						t.Fatalf("a refused start left %d open chats", n)
					}
					return
				}
				if chat.State != "assigned" {
					t.Fatalf("chat state %q, want assigned", chat.State)
				}
				eventually(t, "the first message is sent", func() bool {
					return countText(w.graph.SentTo(psid), "Hi Jane, about your order") == 1
				})
				checked := 0
				for _, c := range w.graph.SentTo(psid) {
					if !strings.Contains(joined(texts([]fakegraph.SentCall{c})), "about your order") {
						continue
					}
					checked++
					if c.PageID != pageID || c.MessagingType != tc.wantType || c.Tag != tc.wantTag {
						t.Fatalf("sent on page %s as %s/%s, want %s/%s", c.PageID, c.MessagingType, c.Tag, tc.wantType, tc.wantTag)
					}
				}
				if checked != 1 {
					t.Fatalf("%d sends of the first message", checked)
				}
				if mine := alice.chats(); len(mine) != 1 || mine[0].ID != chat.ID {
					t.Fatalf("alice's chats = %+v, want %s", mine, chat.ID)
				}
				// The same request again (a lost answer) returns the chat;
				// another start is refused while it is open.
				var again chatJSON
				if code, msg := alice.call(http.MethodPost, "/api/chats", req, &again); code != http.StatusCreated || again.ID != chat.ID {
					t.Fatalf("retry: HTTP %d %q, chat %s", code, msg, again.ID)
				}
				req["client_id"] = "start-0002"
				if code, msg := alice.call(http.MethodPost, "/api/chats", req, nil); code != http.StatusConflict || !strings.Contains(msg, "Jane Doe already has an open chat") {
					t.Fatalf("second start: HTTP %d %q", code, msg)
				}
				time.Sleep(300 * time.Millisecond) // the outbox would have sent a duplicate by now
				if n := countText(w.graph.SentTo(psid), "Hi Jane, about your order"); n != 1 {
					t.Fatalf("first message sent %d times", n)
				}
			})
		}
	}
}

// TestStartChatScope: an agent of another service finds no customers of
// Support's page and cannot start a chat there.
func TestStartChatScope(t *testing.T) {
	for db, mkDSN := range databases(t) {
		t.Run(db, func(t *testing.T) {
			clock := &testClock{}
			clock.Set(time.Now())
			w := newOutboundWorld(t, mkDSN(t), false, clock)
			alice, bob := w.login("alice", "alice-pass"), w.login("bob", "bob-pass")
			w.customerSays("m-hello", "hello")
			eventually(t, "the customer's chat ends", func() bool { return len(openChats(w)) == 0 && len(w.graph.SentTo(psid)) > 0 })
			svc := outboundServiceID(t, alice)

			var services struct{ Services []struct{ ID string } }
			if code := bob.do(http.MethodGet, "/api/outbound-services", nil, &services); code != http.StatusOK || len(services.Services) != 0 {
				t.Fatalf("bob's outbound services: HTTP %d %+v", code, services.Services)
			}
			var found struct{ Customers []customerMatchJSON }
			if code := bob.do(http.MethodGet, "/api/customers?service_id="+url.QueryEscape(svc), nil, &found); code != http.StatusForbidden || len(found.Customers) != 0 {
				t.Fatalf("bob's search: HTTP %d %+v", code, found.Customers)
			}
			alice.do(http.MethodGet, "/api/customers?service_id="+svc, nil, &found)
			if len(found.Customers) != 1 {
				t.Fatalf("alice finds %+v", found.Customers)
			}
			req := map[string]string{"service_id": svc, "customer_id": found.Customers[0].ID, "text": "hello"}
			if code, msg := bob.call(http.MethodPost, "/api/chats", req, nil); code != http.StatusForbidden {
				t.Fatalf("bob starts: HTTP %d %q", code, msg)
			}
			if n := len(openChats(w)); n != 0 {
				t.Fatalf("%d open chats", n)
			}
		})
	}
}

// outboundServiceID is the one service a can start chats from.
func outboundServiceID(t *testing.T, a *agent) string {
	t.Helper()
	var out struct {
		Services []struct{ ID, Name, Channel string }
	}
	if code := a.do(http.MethodGet, "/api/outbound-services", nil, &out); code != http.StatusOK || len(out.Services) != 1 ||
		out.Services[0].Name != "Support" || out.Services[0].Channel != "facebook" {
		t.Fatalf("outbound services: HTTP %d %+v", code, out.Services)
	}
	return out.Services[0].ID
}

// openChats are the tenant's chats that are not closed, as a supervisor
// of every service sees them.
func openChats(w *world) []chatJSON {
	return w.login("sam", "sam-pass").chats()
}
