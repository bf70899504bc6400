package app_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestFindAgentRequiredSkills runs a scenario whose Find Agent requires
// spanish:50 on the real server: Alice (no Spanish) is ready first and idle
// longest, yet only Bruno is offered the chat.
func TestFindAgentRequiredSkills(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			graph := fakegraph.New()
			graph.AddPage(pageID, "Acme", pageToken)
			gs := httptest.NewServer(graph)
			t.Cleanup(gs.Close)
			var buf bytes.Buffer
			if err := template.Must(template.ParseFiles("testdata/skills.yaml")).Execute(&buf, map[string]string{"GraphURL": gs.URL}); err != nil {
				t.Fatal(err)
			}
			w := &flowWorld{world: &world{t: t, graph: graph, cfg: filepath.Join(t.TempDir(), "parley.yaml"), dsn: dsn(t)}, graphURL: gs.URL}
			if err := os.WriteFile(w.cfg, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			w.start()

			// Alice is ready first (idle longest); Bruno joins later.
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("alice ready: HTTP %d", code)
			}
			time.Sleep(50 * time.Millisecond)
			bruno := w.login("bruno", "bruno-pass")
			if code := bruno.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("bruno ready: HTTP %d", code)
			}

			ana := w.customer("7000000000000001", "Ana")
			ana.says("Hola, necesito ayuda")
			ana.hears("Hola Ana!", "Connected with bruno.")
			if got := ana.chat().Scenario.Vars["required_skills"]; got != "spanish:50" {
				t.Errorf("required_skills = %q, want spanish:50", got)
			}
			if n := len(alice.chats()); n != 0 {
				t.Fatalf("alice (no Spanish) got %d chats", n)
			}
			if n := len(bruno.chats()); n != 1 {
				t.Fatalf("bruno has %d chats, want 1", n)
			}
		})
	}
}
