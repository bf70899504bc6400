package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleycc/parley"
)

// TestEditValidateReload is the newcomer's path: edit the scenario in the
// configuration file, validate it, reload without a restart, and see the
// new behaviour in new chats while a running chat keeps its version.
func TestEditValidateReload(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newFlowWorld(t, dsn(t), flowConfig{Open: true, FindTimeout: "8s"})
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "not_ready"}, nil); code != http.StatusOK {
				t.Fatalf("not ready: HTTP %d", code)
			}
			jane := w.customer("7000000000000001", "Jane")
			jane.says("Hello?")
			jane.hears("Hi Jane!")
			eventually(t, "Jane's chat to queue", func() bool { return jane.chat().State == parley.ChatQueued })

			// Only admins reload.
			if code := alice.do(http.MethodPost, "/api/admin/config/reload", nil, nil); code != http.StatusForbidden {
				t.Errorf("agent reload: HTTP %d, want 403", code)
			}
			root := w.login("root", "root-pass")

			// A broken edit is refused with its line and block; nothing changes.
			good, _ := os.ReadFile(w.cfg)
			broken := strings.Replace(string(good), "when: after_hours", "when: after_hours &&", 1)
			if err := os.WriteFile(w.cfg, []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			var check struct {
				OK       bool
				Problems []struct {
					Line    int
					Block   string
					Message string
				}
			}
			if code := root.do(http.MethodPost, "/api/admin/config/validate", nil, &check); code != http.StatusOK || check.OK ||
				len(check.Problems) != 1 || check.Problems[0].Block != "hours" || check.Problems[0].Line != 49 ||
				!strings.Contains(check.Problems[0].Message, "bad expression") {
				t.Errorf("validate broken file: HTTP %d %+v", code, check)
			}
			if code := root.do(http.MethodPost, "/api/admin/config/reload", nil, nil); code != http.StatusBadRequest {
				t.Errorf("reload broken file: HTTP %d, want 400", code)
			}

			// Not Ready reasons come from the file too.
			if code := alice.do(http.MethodPut, "/api/me/status", map[string]string{"state": "not_ready", "reason": "Coaching"}, nil); code != http.StatusBadRequest {
				t.Errorf("reason not yet configured: HTTP %d, want 400", code)
			}

			// The real edit: a new greeting, closed hours ask for an email,
			// and a Not Ready reason of the team's own.
			w.writeConfig(flowConfig{Open: false, FindTimeout: "8s", Greeting: "Welcome", Reasons: "[Break, Coaching]"})
			if code := root.do(http.MethodPost, "/api/admin/config/validate", nil, &check); code != http.StatusOK || !check.OK {
				t.Fatalf("validate: HTTP %d %+v", code, check)
			}
			var reloaded struct {
				Scenarios []struct {
					Name    string
					Version int
				}
			}
			if code := root.do(http.MethodPost, "/api/admin/config/reload", nil, &reloaded); code != http.StatusOK ||
				len(reloaded.Scenarios) != 1 || reloaded.Scenarios[0].Version != 2 {
				t.Fatalf("reload: HTTP %d %+v", code, reloaded)
			}

			var dir struct{ Reasons []string }
			if code := alice.do(http.MethodGet, "/api/routing/directory", nil, &dir); code != http.StatusOK ||
				strings.Join(dir.Reasons, ",") != "Break,Coaching" {
				t.Errorf("reasons after reload: HTTP %d %v", code, dir.Reasons)
			}
			if code := alice.do(http.MethodPut, "/api/me/status", map[string]string{"state": "not_ready", "reason": "Coaching"}, nil); code != http.StatusOK {
				t.Errorf("configured reason: HTTP %d", code)
			}

			joe := w.customer("7000000000000002", "Joe")
			joe.says("Hi")
			joe.hears("Welcome Joe!", "We are closed. Your email?")
			if v := joe.chat().Scenario.Version; v != 2 {
				t.Errorf("new chat on version %d, want 2", v)
			}
			// Jane's chat was not disturbed: it finishes on version 1.
			if c := jane.chat(); c.Scenario.Version != 1 || (c.Scenario.Block != "find-agent" && c.State != parley.ChatClosed) {
				t.Errorf("running chat moved to v%d %q", c.Scenario.Version, c.Scenario.Block)
			}
			jane.hears("Hi Jane!", "Nobody answered in time.")
			jane.closedEventually()
		})
	}
}

// TestAdminScenarioAPI validates and publishes a scenario as the Admin
// page does.
func TestAdminScenarioAPI(t *testing.T) {
	w := newFlowWorld(t, databases(t)["sqlite"](t), flowConfig{Open: true})
	root := w.login("root", "root-pass")
	var list struct {
		Scenarios []struct {
			Name     string
			Latest   int
			YAML     string
			Entries  []string
			Versions []struct{ Version int }
		}
		ConfigFile string `json:"config_file"`
	}
	if code := root.do(http.MethodGet, "/api/admin/scenarios", nil, &list); code != http.StatusOK || len(list.Scenarios) != 1 {
		t.Fatalf("list: HTTP %d %+v", code, list)
	}
	sc := list.Scenarios[0]
	if sc.Name != "flow" || sc.Latest != 1 || len(sc.Entries) != 1 || list.ConfigFile != filepath.Base(w.cfg) || !strings.Contains(sc.YAML, "type: find_agent") {
		t.Errorf("scenario = %+v (file %s)", sc, list.ConfigFile)
	}

	var check struct {
		OK       bool
		Problems []struct {
			Line    int
			Block   string
			Message string
		}
	}
	bad := strings.Replace(sc.YAML, "service: Support", "service: Sales", 1)
	if code := root.do(http.MethodPost, "/api/admin/scenarios/validate", map[string]string{"yaml": bad}, &check); code != http.StatusOK || check.OK ||
		len(check.Problems) != 1 || check.Problems[0].Block != "find-agent" || !strings.Contains(check.Problems[0].Message, `unknown service "Sales"`) {
		t.Errorf("validate: HTTP %d %+v", code, check)
	}
	if code := root.do(http.MethodPost, "/api/admin/scenarios", map[string]string{"yaml": bad}, nil); code != http.StatusBadRequest {
		t.Errorf("publish invalid: HTTP %d, want 400", code)
	}
	edited := strings.Replace(sc.YAML, "Connected with", "You are talking to", 1)
	var pub struct {
		Name    string
		Version int
	}
	if code := root.do(http.MethodPost, "/api/admin/scenarios", map[string]string{"yaml": edited}, &pub); code != http.StatusCreated || pub.Version != 2 {
		t.Errorf("publish: HTTP %d %+v", code, pub)
	}
	// The page itself.
	resp, err := root.client.Get(w.app.URL() + "/admin/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("page: %s", resp.Status)
	}
}
