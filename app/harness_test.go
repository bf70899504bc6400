package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"golang.org/x/crypto/bcrypt"
)

const (
	pageID    = "200000000000001"
	pageToken = "acme-page-token"
	appSecret = "acme-app-secret"
	psid      = "7000000000000001"
)

// databases lists the DSNs every end-to-end test runs on: a SQLite file and
// a fresh PostgreSQL schema.
func databases(t testing.TB) map[string]func(t testing.TB) string {
	return map[string]func(t testing.TB) string{
		"sqlite": func(t testing.TB) string { return filepath.Join(t.TempDir(), "parley.db") },
		"postgres": func(t testing.TB) string {
			st, dsn := sqltest.OpenPostgresUnmigrated(t)
			st.Close()
			return dsn
		},
	}
}

// world is a running Parley with a fake Graph API and HTTP clients.
type world struct {
	t     testing.TB
	app   *app.App
	graph *fakegraph.Server
	cfg   string
	dsn   string
	// tune, when set, adjusts the app's configuration before each start.
	tune func(*app.Config)
}

func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	return newTunedWorld(t, dsn, nil)
}

// newTunedWorld is newWorld with tune applied to the app's configuration.
func newTunedWorld(t *testing.T, dsn string, tune func(*app.Config)) *world {
	t.Helper()
	return newWorldFrom(t, dsn, "testdata/parley.yaml", tune)
}

// newWorldFrom is newTunedWorld with the configuration template at tmplPath.
func newWorldFrom(t *testing.T, dsn, tmplPath string, tune func(*app.Config)) *world {
	t.Helper()
	return newWorldBehind(t, dsn, tmplPath, tune, nil)
}

// newWorldBehind is newWorldFrom with the fake Graph API behind wrap (nil:
// none), for tests that hold or break some of its answers.
func newWorldBehind(t testing.TB, dsn, tmplPath string, tune func(*app.Config), wrap func(*fakegraph.Server) http.Handler) *world {
	t.Helper()
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	graph.SetProfile(psid, "Jane", "Doe", "")
	var h http.Handler = graph
	if wrap != nil {
		h = wrap(graph)
	}
	gs := httptest.NewServer(h)
	t.Cleanup(gs.Close)

	tmpl := template.Must(template.ParseFiles(tmplPath))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, map[string]string{"GraphURL": gs.URL}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, graph: graph, cfg: cfg, dsn: dsn, tune: tune}
	w.start()
	return w
}

func (w *world) start() {
	w.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		level := slog.LevelWarn
		_ = level.UnmarshalText([]byte(os.Getenv("PARLEY_TEST_LOG"))) // e.g. PARLEY_TEST_LOG=debug
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	// The fakes (Graph API, media, HTTP Request targets) are on loopback.
	cfg := app.Config{Addr: "127.0.0.1:0", Database: w.dsn, ConfigFile: w.cfg, Logger: log, PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost,
		AllowPrivateFetch: true}
	if w.tune != nil {
		w.tune(&cfg)
	}
	w.app = app.New(cfg)
	if err := w.app.Start(context.Background()); err != nil {
		w.t.Fatalf("start: %v", err)
	}
	a := w.app
	w.t.Cleanup(func() { _ = a.Close() })
}

func (w *world) restart() {
	w.t.Helper()
	if err := w.app.Close(); err != nil {
		w.t.Fatalf("close: %v", err)
	}
	w.start()
}

// postWebhook posts body with the given signature header ("" for none).
func (w *world) postWebhook(body []byte, signature string) (*http.Response, string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.app.URL()+"/webhooks/facebook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (w *world) customerSays(mid, text string) {
	w.t.Helper()
	body := fakegraph.TextEvent(pageID, psid, mid, text, time.Now())
	if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
		w.t.Fatalf("webhook: %s %s", resp.Status, msg)
	}
}

// agent is a logged-in browser session.
type agent struct {
	t      testing.TB
	base   string
	client *http.Client
}

func (w *world) login(user, pass string) *agent {
	w.t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &agent{t: w.t, base: w.app.URL(), client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code := a.do(http.MethodPost, "/api/login", map[string]string{"username": user, "password": pass}, nil); code != http.StatusOK {
		w.t.Fatalf("login %s: HTTP %d", user, code)
	}
	return a
}

func (a *agent) do(method, path string, in, out any) int {
	a.t.Helper()
	code, _ := a.call(method, path, in, out)
	return code
}

type chatJSON struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	Customer struct {
		Name string `json:"name"`
	} `json:"customer"`
}

type messageJSON struct {
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Direction string `json:"direction"`
	Sender    string `json:"sender"`
	Text      string `json:"text"`
	Status    string `json:"status"`
}

func (a *agent) chats() []chatJSON {
	var out struct{ Chats []chatJSON }
	if code := a.do(http.MethodGet, "/api/chats", nil, &out); code != http.StatusOK {
		a.t.Fatalf("chats: HTTP %d", code)
	}
	return out.Chats
}

func (a *agent) messages(chatID string) []messageJSON {
	var out struct{ Messages []messageJSON }
	if code := a.do(http.MethodGet, "/api/chats/"+chatID+"/messages", nil, &out); code != http.StatusOK {
		a.t.Fatalf("messages: HTTP %d", code)
	}
	return out.Messages
}

// eventually polls cond until it holds or 15 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// drained waits until no stored incoming event is left to handle. It
// waits as long as events keep being handled (a machine loaded with other
// suites, or the race detector, handles them slower) and fails when none
// has been for 15 s: processing that stalls, not processing that is slow.
func drained(t testing.TB, st parley.Store) {
	t.Helper()
	ctx := context.Background()
	last, stalled := -1, time.Now().Add(15*time.Second)
	for {
		left, err := st.PendingInbound(ctx, 0, 10000)
		if err != nil {
			t.Fatalf("pending incoming events: %v", err)
		}
		if len(left) == 0 {
			return
		}
		if last < 0 || len(left) < last {
			last, stalled = len(left), time.Now().Add(15*time.Second)
		}
		if time.Now().After(stalled) {
			t.Fatalf("incoming events stalled: %d left unhandled for 15 s", len(left))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func texts(calls []fakegraph.SentCall) []string {
	var out []string
	for _, c := range calls {
		if c.Text != "" {
			out = append(out, c.Text)
		}
	}
	return out
}

func countText(calls []fakegraph.SentCall, text string) int {
	n := 0
	for _, c := range calls {
		if c.Text == text {
			n++
		}
	}
	return n
}

func joined(ss []string) string { return strings.Join(ss, " | ") }
