package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"
)

// startDemo starts `parley demo` on SQLite for a test.
func startDemo(t *testing.T) (*app.App, string) {
	t.Helper()
	return startDemoOn(t, filepath.Join(t.TempDir(), "parley.db"))
}

// startDemoOn starts `parley demo` on the database dsn for a test.
func startDemoOn(t *testing.T, dsn string) (*app.App, string) {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "demo.yaml")
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn, Demo: true,
		ConfigFile: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a, cfg
}

func loginTo(t *testing.T, base, user, pass string) *agent {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &agent{t: t, base: base, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code := a.do(http.MethodPost, "/api/login", map[string]string{"username": user, "password": pass}, nil); code != http.StatusOK {
		t.Fatalf("login %s: HTTP %d", user, code)
	}
	return a
}

// TestDemoGoodbyeAfterHelpedChat: when an agent closes a chat they
// answered, the demo customer is thanked, not told that nobody could
// answer.
func TestDemoGoodbyeAfterHelpedChat(t *testing.T) {
	a, _ := startDemo(t)
	alice := loginTo(t, a.URL(), "alice", "alice-demo")
	chatID := demoChat(t, a, alice, "2401123456789012", "Dana", "Hello")
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Hi Dana, how can I help?"}, nil); code != http.StatusCreated {
		t.Fatalf("reply: HTTP %d", code)
	}
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/close", nil, nil); code != http.StatusNoContent {
		t.Fatalf("close: HTTP %d", code)
	}
	// The demo's Support service asks its survey first (demo.yaml).
	for _, step := range []struct{ wait, answer string }{
		{"How satisfied are you with our help?", "5"},
		{"Anything you would like to tell us?", "All good"},
	} {
		eventually(t, "the survey: "+step.wait, func() bool {
			return strings.Contains(simulatorTexts(t, a.URL(), "messenger", "2401123456789012"), step.wait)
		})
		simSay(t, a, "2401123456789012", "Dana", step.answer)
	}
	eventually(t, "the thank-you", func() bool {
		return strings.Contains(simulatorTexts(t, a.URL(), "messenger", "2401123456789012"), "Thanks for chatting with us, Dana")
	})
	if got := simulatorTexts(t, a.URL(), "messenger", "2401123456789012"); strings.Contains(got, "If nobody could answer") {
		t.Errorf("a helped customer is told nobody could answer:\n%s", got)
	}
}

// TestDemoLoginNamesEveryUser: the login page of the demo names every
// demo user of demo.yaml with their password.
func TestDemoLoginNamesEveryUser(t *testing.T) {
	a, cfg := startDemo(t)
	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var demo struct {
		Users []struct {
			Username string `yaml:"username"`
			Password string `yaml:"password"`
		} `yaml:"users"`
	}
	if err := yaml.Unmarshal(raw, &demo); err != nil {
		t.Fatal(err)
	}
	if len(demo.Users) < 5 {
		t.Fatalf("demo.yaml has %d users, want the five of the demo", len(demo.Users))
	}
	resp, err := http.Get(a.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, u := range demo.Users {
		if !bytes.Contains(page, []byte("<code>"+u.Username+"</code>")) {
			t.Errorf("the login page does not name the demo user %s", u.Username)
		}
		if u.Password != u.Username+"-demo" {
			t.Errorf("demo user %s's password is %q; the login page says passwords are the name followed by -demo", u.Username, u.Password)
		}
	}
}

// ready makes the agent Ready.
func (a *agent) ready() {
	a.t.Helper()
	if code := a.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
		a.t.Fatalf("ready: HTTP %d", code)
	}
}

// demoChat has a Messenger customer of the demo write text, and the agent
// (made Ready) accept the offer; it returns the chat's id.
func demoChat(t *testing.T, a *app.App, ag *agent, user, first, text string) string {
	t.Helper()
	ag.ready()
	simSay(t, a, user, first, text)
	chatID := acceptOffer(t, ag)
	eventually(t, "the chat to be the agent's", func() bool {
		for _, c := range ag.chats() {
			if c.ID == chatID {
				return true
			}
		}
		return false
	})
	return chatID
}

// TestConferenceGuestSenderActions: a colleague invited into a conference
// may show typing and mark the chat seen, and send files and rich replies,
// as the chat's own agent may.
func TestConferenceGuestSenderActions(t *testing.T) {
	a, _ := startDemo(t)
	alice := loginTo(t, a.URL(), "alice", "alice-demo")
	bob := loginTo(t, a.URL(), "bob", "bob-demo")
	chatID := demoChat(t, a, alice, "2401123456789013", "Eve", "Hello")
	bob.ready()
	var me struct{ ID string }
	bob.do(http.MethodGet, "/api/me", nil, &me)
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/invite", map[string]string{"agent_id": me.ID}, nil); code >= 300 {
		t.Fatalf("invite: HTTP %d", code)
	}
	for _, action := range []string{"typing_on", "typing_off", "mark_seen"} {
		if code := bob.do(http.MethodPost, "/api/chats/"+chatID+"/action", map[string]string{"action": action}, nil); code >= 300 {
			t.Errorf("guest's %s: HTTP %d, want success", action, code)
		}
	}
	if code := bob.do(http.MethodPost, "/api/chats/"+chatID+"/rich", map[string]any{"text": "Pick one", "quick_replies": []map[string]string{{"title": "Yes", "payload": "YES"}}}, nil); code != http.StatusCreated {
		t.Errorf("guest's rich reply: HTTP %d, want 201", code)
	}
	// Someone outside the chat still may not.
	cleo := loginTo(t, a.URL(), "cleo", "cleo-demo")
	if code := cleo.do(http.MethodPost, "/api/chats/"+chatID+"/action", map[string]string{"action": "typing_on"}, nil); code != http.StatusForbidden {
		t.Errorf("an outsider's typing_on: HTTP %d, want 403", code)
	}
}

// simSay sends text as the demo simulator's Messenger customer user.
func simSay(t *testing.T, a *app.App, user, first, text string) {
	t.Helper()
	simPost(t, a, map[string]any{"user": user, "first_name": first, "last_name": "Demo", "text": text})
}
