package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"golang.org/x/crypto/bcrypt"
)

// TestDemoSimulatorEveryChannel: `parley demo` has an account per channel,
// each pointed at its fake in the simulator; a customer writing on any of
// them through /simulator/api/send gets the demo scenario's greeting back.
func TestDemoSimulatorEveryChannel(t *testing.T) {
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: filepath.Join(t.TempDir(), "parley.db"), Demo: true,
		ConfigFile: filepath.Join(t.TempDir(), "demo.yaml"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	for _, tc := range []struct{ channel, user, greeting string }{
		{"messenger", "2401123456789012", "Hi Dana! Thanks for writing to Parley Demo Co."},
		{"telegram", "612345678", "Hi Dana! Thanks for writing to Parley Demo Co."},
		{"line", "U22222222222222222222222222222222", "Hi Dana Demo! Thanks for writing to Parley Demo Co."},
		{"viber", "dana0123456789==", "Hi Dana Demo! Thanks for writing to Parley Demo Co."},
		{"vonage", "447700900123", "Hi! Thanks for writing to Parley Demo Co."},
	} {
		t.Run(tc.channel, func(t *testing.T) {
			simPost(t, a, map[string]any{"channel": tc.channel, "user": tc.user, "first_name": "Dana", "last_name": "Demo", "text": "Hello"})
			eventually(t, "the greeting on "+tc.channel, func() bool {
				return strings.Contains(simulatorTexts(t, a.URL(), tc.channel, tc.user), tc.greeting)
			})
		})
	}
}

// simulatorTexts joins the texts /simulator/api/messages returns.
func simulatorTexts(t *testing.T, base, channel, user string) string {
	t.Helper()
	resp, err := http.Get(base + "/simulator/api/messages?channel=" + channel + "&user=" + url.QueryEscape(user))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Messages []struct{ Text string } }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	var b strings.Builder
	for _, m := range out.Messages {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

// TestDemoWebhook: the demo subscribes the simulator's inbox, so a newcomer
// who writes as a customer sees deliveries in Admin → Webhooks.
func TestDemoWebhook(t *testing.T) {
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: filepath.Join(t.TempDir(), "parley.db"), Demo: true,
		ConfigFile: filepath.Join(t.TempDir(), "demo.yaml"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost, HookTick: 50 * time.Millisecond})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	body, _ := json.Marshal(map[string]string{"channel": "messenger", "user": "2401123456789012", "first_name": "Dana", "text": "Hello"})
	resp, err := http.Post(a.URL()+"/simulator/api/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	jar, _ := cookiejar.New(nil)
	admin := &agent{t: t, base: a.URL(), client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code := admin.do(http.MethodPost, "/api/login", map[string]string{"username": "admin", "password": "admin-demo"}, nil); code != http.StatusOK {
		t.Fatalf("login: HTTP %d", code)
	}
	eventually(t, "a delivery to the demo inbox", func() bool {
		var list struct {
			Webhooks []struct {
				Name          string
				Status        string
				LastSuccessAt *time.Time `json:"last_success_at"`
			}
		}
		admin.do(http.MethodGet, "/api/admin/webhooks", nil, &list)
		return len(list.Webhooks) == 1 && list.Webhooks[0].Name == "demo-inbox" && list.Webhooks[0].Status == "ok" && list.Webhooks[0].LastSuccessAt != nil
	})
}

// TestDemoStopsWithPagesOpen: stopping Parley while a customer's
// simulator page and an agent's desktop are open ends their streams at
// once; Close does not wait out its deadline and fail.
func TestDemoStopsWithPagesOpen(t *testing.T) {
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: filepath.Join(t.TempDir(), "parley.db"), Demo: true,
		ConfigFile: filepath.Join(t.TempDir(), "demo.yaml"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	alice := loginTo(t, a.URL(), "alice", "alice-demo")
	streams := map[string]*http.Response{}
	for name, get := range map[string]func() (*http.Response, error){
		"simulator": func() (*http.Response, error) {
			return http.Get(a.URL() + "/simulator/api/stream?channel=messenger&user=2401123456789012")
		},
		"desktop": func() (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, a.URL()+"/api/events", nil)
			return (&http.Client{Jar: alice.client.Jar}).Do(req)
		},
	} {
		resp, err := get()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s stream: %v %v", name, err, resp)
		}
		defer resp.Body.Close()
		// The stream is open once its first line (retry:) arrives.
		if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
			t.Fatalf("%s stream: %v", name, err)
		}
		streams[name] = resp
	}
	if err := a.Close(); err != nil {
		t.Fatalf("close with pages open: %v", err)
	}
	for name, resp := range streams {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Errorf("%s stream did not end cleanly: %v", name, err)
		}
	}
}
