package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// newDeskWorld is a real server running testdata/desk.yaml.
func newDeskWorld(t *testing.T, dsn string) *flowWorld {
	t.Helper()
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	gs := httptest.NewServer(graph)
	t.Cleanup(gs.Close)
	var buf bytes.Buffer
	if err := template.Must(template.ParseFiles("testdata/desk.yaml")).Execute(&buf, map[string]string{"GraphURL": gs.URL}); err != nil {
		t.Fatal(err)
	}
	w := &flowWorld{world: &world{t: t, graph: graph, cfg: filepath.Join(t.TempDir(), "parley.yaml"), dsn: dsn}, graphURL: gs.URL}
	if err := os.WriteFile(w.cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	w.start()
	return w
}

// call is agent.do that also returns the error message of a failure.
func (a *agent) call(method, path string, in, out any) (int, string) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	var e struct{ Error struct{ Message string } }
	_ = json.Unmarshal(b, &e)
	return resp.StatusCode, e.Error.Message
}

// expect fails unless the call answers want and, for an error, a message
// containing msg.
func (a *agent) expect(want int, msg, method, path string, in, out any) {
	a.t.Helper()
	code, got := a.call(method, path, in, out)
	if code != want || !strings.Contains(got, msg) {
		a.t.Fatalf("%s %s: HTTP %d %q, want %d with %q", method, path, code, got, want, msg)
	}
}

type cannedJSON struct {
	ID       string `json:"id"`
	Scope    string `json:"scope"`
	OwnerID  string `json:"owner_id"`
	Shortcut string `json:"shortcut"`
}

func shortcuts(a *agent, query string) map[string]cannedJSON {
	a.t.Helper()
	var out struct{ Canned []cannedJSON }
	a.expect(http.StatusOK, "", http.MethodGet, "/api/canned"+query, nil, &out)
	m := map[string]cannedJSON{}
	for _, c := range out.Canned {
		m[c.Shortcut] = c
	}
	return m
}

// TestCannedResponseScopes: an agent sees the global list, her services'
// lists and her own personal list, never another agent's personal one;
// only supervisors and admins write the shared lists; a response naming
// an unknown variable is refused, naming it; a response is filled for the
// chat it goes into.
func TestCannedResponseScopes(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newDeskWorld(t, dsn(t))
			alice, bob, sam := w.login("alice", "alice-pass"), w.login("bob", "bob-pass"), w.login("sam", "sam-pass")
			var mine, bobs cannedJSON
			alice.expect(http.StatusCreated, "", http.MethodPost, "/api/canned", map[string]any{"scope": "personal", "title": "Mine", "shortcut": "/mine", "text": "Cheers, $(agent_name)"}, &mine)
			bob.expect(http.StatusCreated, "", http.MethodPost, "/api/canned", map[string]any{"scope": "personal", "title": "Bob's", "shortcut": "mine", "text": "Bob here"}, &bobs)

			got := shortcuts(alice, "")
			if got["mine"].ID != mine.ID || got["hello"].Scope != parley.CannedGlobal || got["refund"].Scope != parley.CannedService || got["invoice"].ID != "" || len(got) != 3 {
				t.Errorf("alice sees %+v", got)
			}
			if got := shortcuts(bob, ""); got["mine"].ID != bobs.ID || len(got) != 3 {
				t.Errorf("bob sees %+v", got)
			}
			if got := shortcuts(sam, ""); got["invoice"].ID == "" || got["mine"].ID != "" || len(got) != 3 {
				t.Errorf("the supervisor sees %+v (every service's list, nobody's personal one)", got)
			}
			// Another agent's personal response cannot be read, changed or deleted.
			alice.expect(http.StatusNotFound, "not found", http.MethodPut, "/api/canned/"+bobs.ID, map[string]any{"scope": "personal", "title": "x", "shortcut": "x", "text": "x"}, nil)
			alice.expect(http.StatusNotFound, "not found", http.MethodDelete, "/api/canned/"+bobs.ID, nil, nil)
			sam.expect(http.StatusNotFound, "not found", http.MethodDelete, "/api/canned/"+bobs.ID, nil, nil)
			// Shared lists are the supervisors' and admins'.
			alice.expect(http.StatusForbidden, "only supervisors and admins", http.MethodPost, "/api/canned", map[string]any{"scope": "global", "title": "x", "shortcut": "x", "text": "x"}, nil)
			alice.expect(http.StatusForbidden, "only supervisors and admins", http.MethodPut, "/api/canned/"+got["refund"].ID, map[string]any{"scope": "personal", "title": "x", "shortcut": "x", "text": "x"}, nil)
			// The file's responses are the file's.
			sam.expect(http.StatusConflict, "configuration file", http.MethodDelete, "/api/canned/"+got["hello"].ID, nil, nil)
			// Bad input.
			sam.expect(http.StatusBadRequest, "unknown variable $(frist_name)", http.MethodPost, "/api/canned", map[string]any{"scope": "global", "title": "Typo", "shortcut": "typo", "text": "Hi $(frist_name)"}, nil)
			sam.expect(http.StatusBadRequest, "shortcut", http.MethodPost, "/api/canned", map[string]any{"scope": "global", "title": "Bad", "shortcut": "two words", "text": "x"}, nil)
			sam.expect(http.StatusConflict, "already used", http.MethodPost, "/api/canned", map[string]any{"scope": "global", "title": "Again", "shortcut": "hello", "text": "x"}, nil)
			sam.expect(http.StatusBadRequest, "url must be an http", http.MethodPost, "/api/canned", map[string]any{"scope": "global", "title": "Bad", "shortcut": "bad",
				"text": "x", "attachments": []map[string]string{{"type": "image", "url": "javascript:alert(1)"}}}, nil)
			sam.expect(http.StatusCreated, "", http.MethodPost, "/api/canned", map[string]any{"scope": "service", "service_id": serviceID(t, w, "Support"), "title": "Order", "shortcut": "order", "text": "Order $(order) ships today."}, nil)

			// Filled for a chat: the scenario's variable, the customer's and the agent's names.
			chat := w.routedChat(t, alice, "7000000000000001", "Jane")
			var filled struct {
				Text         string   `json:"text"`
				QuickReplies []string `json:"quick_replies"`
			}
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/chats/"+chat+"/canned/"+got["hello"].ID, nil, &filled)
			if filled.Text != "Hi Jane, about order A-17: Alice Martin here." || len(filled.QuickReplies) != 2 {
				t.Errorf("filled = %+v", filled)
			}
			alice.expect(http.StatusNotFound, "not found", http.MethodGet, "/api/chats/"+chat+"/canned/"+bobs.ID, nil, nil)
			bob.expect(http.StatusForbidden, "not assigned to you", http.MethodGet, "/api/chats/"+chat+"/canned/"+got["hello"].ID, nil, nil)
			// The chat's list has its service's responses only.
			if got := shortcuts(alice, "?chat="+chat); got["order"].ID == "" || got["mine"].ID == "" {
				t.Errorf("alice's list for the chat = %+v", got)
			}
			var sent struct{ Messages []messageJSON }
			alice.expect(http.StatusCreated, "", http.MethodPost, "/api/chats/"+chat+"/canned/"+got["refund"].ID+"/attachments", nil, &sent)
			if len(sent.Messages) != 1 || sent.Messages[0].Text != "refunds.pdf" {
				t.Errorf("attachments sent = %+v", sent.Messages)
			}
		})
	}
}

// TestWrapUpAndHistory: a service that requires a disposition refuses the
// close without one; the disposition and notes are stored with the chat
// (a disposition_set fact, a transcript line) and shown with the
// customer's next chat; an agent reads the earlier chats of a customer
// she serves now and nobody else's.
func TestWrapUpAndHistory(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newDeskWorld(t, dsn(t))
			alice, bob, sam := w.login("alice", "alice-pass"), w.login("bob", "bob-pass"), w.login("sam", "sam-pass")
			first := w.routedChat(t, alice, "7000000000000001", "Jane")

			alice.expect(http.StatusConflict, "choose a disposition before closing: Support requires one", http.MethodPost, "/api/chats/"+first+"/close", nil, nil)
			alice.expect(http.StatusBadRequest, `unknown disposition "Fixed"`, http.MethodPut, "/api/chats/"+first+"/wrapup", map[string]string{"disposition": "Fixed"}, nil)
			alice.expect(http.StatusConflict, "requires one", http.MethodPost, "/api/chats/"+first+"/close", map[string]string{"notes": "no disposition"}, nil)
			bob.expect(http.StatusForbidden, "not yours", http.MethodPut, "/api/chats/"+first+"/wrapup", map[string]string{"disposition": "Resolved"}, nil)
			if ch, _ := w.app.Store.Chat(context.Background(), first); ch.State != parley.ChatAssigned {
				t.Fatalf("a refused close changed the chat: %s", ch.State)
			}
			if ws, _ := w.app.Store.WrapUps(context.Background(), []string{first}); len(ws) != 0 {
				t.Fatalf("a refused close stored a wrap-up: %+v", ws[first])
			}
			alice.expect(http.StatusNoContent, "", http.MethodPost, "/api/chats/"+first+"/close", map[string]string{"disposition": "Refund", "notes": "Refunded order A-17"}, nil)
			// In After Chat Work she may still change her notes.
			alice.expect(http.StatusOK, "", http.MethodPut, "/api/chats/"+first+"/wrapup", map[string]string{"disposition": "Refund", "notes": "Refunded order A-17; card ends 42"}, nil)
			facts, err := w.app.Store.ChatFacts(context.Background(), parley.DefaultTenant, first)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, f := range facts {
				kinds[f.Kind]++
			}
			if n := kinds[parley.FactDispositionSet]; n != 1 {
				t.Errorf("disposition_set facts = %d, want 1: %v", n, facts)
			}
			eventually(t, "the first chat to close", func() bool {
				ch, err := w.app.Store.Chat(context.Background(), first)
				return err == nil && ch.State == parley.ChatClosed
			})

			// The customer writes again: alice serves her and sees her history.
			second := w.routedChat(t, alice, "7000000000000001", "Jane")
			var panel struct {
				Vars    map[string]string `json:"vars"`
				Earlier []struct {
					ID, Disposition, Notes, NotesBy string
				} `json:"earlier_chats"`
			}
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/chats/"+second+"/customer", nil, &panel)
			if len(panel.Earlier) != 1 || panel.Earlier[0].ID != first || panel.Earlier[0].Disposition != "Refund" ||
				!strings.Contains(panel.Earlier[0].Notes, "card ends 42") || panel.Vars["order"] != "A-17" {
				t.Errorf("panel = %+v", panel)
			}
			var tr struct {
				ReadOnly bool          `json:"read_only"`
				Messages []messageJSON `json:"messages"`
				WrapUp   struct {
					WrapUp struct{ Disposition string } `json:"wrapup"`
				} `json:"wrapup"`
			}
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/chats/"+first+"/transcript", nil, &tr)
			if !tr.ReadOnly || tr.WrapUp.WrapUp.Disposition != "Refund" || !hasText(tr.Messages, "Alice Martin wrapped up the chat. Disposition: Refund. Notes: Refunded order A-17") {
				t.Errorf("transcript = %+v", tr)
			}
			// Nobody else's history: not bob's, who does not serve her; a
			// supervisor reads any.
			bob.expect(http.StatusForbidden, "customer you are serving now", http.MethodGet, "/api/chats/"+first+"/transcript", nil, nil)
			bob.expect(http.StatusForbidden, "not assigned to you", http.MethodGet, "/api/chats/"+second+"/customer", nil, nil)
			sam.expect(http.StatusOK, "", http.MethodGet, "/api/chats/"+first+"/transcript", nil, nil)
			// Read only: alice cannot dispose or annotate the earlier chat
			// of someone else (bob is never its agent).
			bob.expect(http.StatusForbidden, "not yours", http.MethodPut, "/api/chats/"+first+"/wrapup", map[string]string{"notes": "x"}, nil)

			// Contact fields are stored on the customer and fill the screen pop.
			alice.expect(http.StatusBadRequest, "not an email address", http.MethodPut, "/api/chats/"+second+"/customer/contact", map[string]any{"email": "jane at example"}, nil)
			bob.expect(http.StatusForbidden, "", http.MethodPut, "/api/chats/"+second+"/customer/contact", map[string]any{"email": "jane@example.com"}, nil)
			alice.expect(http.StatusOK, "", http.MethodPut, "/api/chats/"+second+"/customer/contact", map[string]any{"email": "jane+vip@example.com", "phone": "+44 20 7946 0000", "fields": map[string]string{"plan": "Gold"}}, nil)
			var pop struct{ URL, Mode string }
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/chats/"+second+"/screenpop", nil, &pop)
			if pop.URL != "https://crm.example.com/search?psid=7000000000000001&email=jane%2Bvip%40example.com" || pop.Mode != "panel" {
				t.Errorf("screen pop = %+v", pop)
			}
			svc := serviceID(t, w, "Support")
			sam.expect(http.StatusBadRequest, "must be an http:// or https:// URL", http.MethodPut, "/api/services/"+svc+"/desk", map[string]any{"screen_pop_url": "javascript:alert(1)"}, nil)
			alice.expect(http.StatusForbidden, "", http.MethodPut, "/api/services/"+svc+"/desk", map[string]any{"dispositions": []string{}}, nil)
		})
	}
}

func hasText(msgs []messageJSON, prefix string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m.Text, prefix) {
			return true
		}
	}
	return false
}

func serviceID(t *testing.T, w *flowWorld, name string) string {
	t.Helper()
	svc, err := w.app.Store.ServiceByName(context.Background(), parley.DefaultTenant, name)
	if err != nil {
		t.Fatal(err)
	}
	return svc.ID
}

// routedChat has a customer write and waits until a's list holds a new
// chat of that customer; it returns the chat's id.
func (w *flowWorld) routedChat(t *testing.T, a *agent, psid, first string) string {
	t.Helper()
	if code := a.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
		t.Fatalf("ready: HTTP %d", code)
	}
	before := map[string]bool{}
	for _, c := range a.chats() {
		before[c.ID] = true
	}
	c := w.customer(psid, first)
	// A message id never used before: a repeated one is a redelivery,
	// which Parley rightly drops.
	w.routed++
	c.n = w.routed * 1000
	c.says("Hello, about my order")
	var id string
	eventually(t, "a chat of "+first+" routed", func() bool {
		for _, ch := range a.chats() {
			if !before[ch.ID] && ch.Customer.Name == first+" Doe" {
				id = ch.ID
				return true
			}
		}
		return false
	})
	return id
}

// TestDemoDesk: `parley demo` has canned responses at every level (one
// filling the customer's name), dispositions with one service requiring
// one, and a screen pop pointing at its own demo CRM page, which it serves.
func TestDemoDesk(t *testing.T) {
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: filepath.Join(t.TempDir(), "parley.db"), Demo: true,
		ConfigFile: filepath.Join(t.TempDir(), "demo.yaml"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	w := &world{t: t, app: a}
	alice, bob, sam := w.login("alice", "alice-demo"), w.login("bob", "bob-demo"), w.login("sam", "sam-demo")
	got := shortcuts(alice, "")
	for _, sc := range []string{"hello", "else", "order", "returns", "invoice", "bye"} {
		if got[sc].ID == "" {
			t.Errorf("alice has no /%s: %+v", sc, got)
		}
	}
	if got["bye"].Scope != parley.CannedPersonal || got["hello"].Scope != parley.CannedGlobal {
		t.Errorf("scopes: %+v", got)
	}
	if got := shortcuts(bob, ""); got["bye"].ID != "" {
		t.Error("bob sees alice's personal /bye")
	}
	var desks = map[string]parley.ServiceDesk{}
	for _, name := range []string{"Support", "Billing"} {
		svc, err := a.Store.ServiceByName(context.Background(), parley.DefaultTenant, name)
		if err != nil {
			t.Fatal(err)
		}
		var d parley.ServiceDesk
		sam.expect(http.StatusOK, "", http.MethodGet, "/api/services/"+svc.ID+"/desk", nil, &d)
		desks[name] = d
	}
	if want := a.URL() + "/demo/crm?psid=$(psid)"; !strings.HasPrefix(desks["Support"].ScreenPopURL, want) || desks["Support"].DispositionRequired {
		t.Errorf("Support desk = %+v, want screen pop %s… and no required disposition", desks["Support"], want)
	}
	if !desks["Billing"].DispositionRequired || len(desks["Billing"].Dispositions) == 0 {
		t.Errorf("Billing desk = %+v, want a required disposition", desks["Billing"])
	}
	resp, err := http.Get(a.URL() + "/demo/crm?psid=2401123456789012&name=Dana+Demo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "2401123456789012") || !strings.Contains(string(body), "Dana Demo") {
		t.Errorf("/demo/crm: HTTP %d %s", resp.StatusCode, body)
	}
}
