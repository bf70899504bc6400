package loadtest_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/loadtest"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestRun puts a small load on the real server, in process, on both
// databases: customers' webhooks, agents over the API and event stream,
// the fake Graph API. Every message must arrive exactly once and every
// latency must have been measured.
func TestRun(t *testing.T) {
	const agents = 5
	cases := []struct {
		name       string
		dsn        func(t *testing.T) string
		autoAccept bool // else agents accept the offers over the API
		// The load is small on PostgreSQL: its inbound processing runs at
		// a few events a second today (issue 15), and the test must stay
		// short under -race.
		customers, messages int
		pages               int // the customers write to several pages
	}{
		{"sqlite/offers/3 pages", sqliteDSN, false, 10, 150, 3},
		{"sqlite/auto-accept", sqliteDSN, true, 10, 50, 1},
		{"postgres/offers", postgresDSN, false, 5, 15, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if raceEnabled { // inbound processing is ~10 times slower: keep it to seconds
				if tc.autoAccept {
					t.Skip("auto-accept runs without -race only: the server is too slow under it")
				}
				tc.customers, tc.messages = 3, 6
			}
			log := testLogger()
			tn := loadtest.DefaultTenant()
			tn.Agents, tn.Capacity, tn.AutoAccept, tn.HashCost = agents, 2, tc.autoAccept, bcrypt.MinCost
			tn.Pages = tc.pages
			customers := tc.customers
			g, err := loadtest.ListenGraph("127.0.0.1:0", tn, log)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = g.Close() })
			tn.GraphURL = g.URL()
			url := startServer(t, tc.dsn(t), tn, log)

			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			rep, err := loadtest.Run(ctx, loadtest.Options{URL: url, Tenant: tn, Graph: g, Customers: customers,
				Rate: 500, Messages: tc.messages, Drain: time.Minute, Logger: log, PID: os.Getpid()}) // the server runs in this process
			if err != nil {
				t.Fatal(err)
			}
			c := rep.Check
			if !c.OK || !c.Transcripts {
				t.Errorf("check failed (transcripts read: %v): %+v", c.Transcripts, c)
			}
			messages := customers + tc.messages // the first of each chat, then the rest
			if c.Acked != messages || rep.Webhooks.GivenUp != 0 {
				t.Errorf("acknowledged %d of %d messages, %d given up", c.Acked, messages, rep.Webhooks.GivenUp)
			}
			if c.RepliesAccepted != messages || c.RepliesDelivered != messages {
				t.Errorf("replies: %d accepted, %d delivered, want %d", c.RepliesAccepted, c.RepliesDelivered, messages)
			}
			l := rep.Latency
			if l.FirstMessage.Count != customers || l.Message.Count != messages-customers || l.Reply.Count != messages {
				t.Errorf("latencies measured: new chats %d, connected %d, replies %d; want %d, %d, %d",
					l.FirstMessage.Count, l.Message.Count, l.Reply.Count, customers, messages-customers, messages)
			}
			if l.Message.P50 <= 0 || l.Message.Max < l.Message.P99 || l.Reply.P50 <= 0 {
				t.Errorf("latencies: %+v", l)
			}
			if rep.ChatsConnected != customers || rep.CloseFailures != 0 || rep.AgentErrors != 0 {
				t.Errorf("chats connected %d of %d, close failures %d, agent errors %d", rep.ChatsConnected, customers,
					rep.CloseFailures, rep.AgentErrors)
			}
			// The clock ticks of /proc are 10 ms: a short run may measure none.
			if rep.Memory == nil || rep.CPU == nil || rep.CPU.Wall <= 0 || rep.CPU.Seconds < 0 ||
				rep.CPU.PerMessage != rep.CPU.Seconds*1000/float64(tc.messages) {
				t.Errorf("server memory %+v, CPU %+v over %d messages", rep.Memory, rep.CPU, tc.messages)
			}
			if t.Failed() || testing.Verbose() {
				var b strings.Builder
				rep.WriteText(&b)
				t.Log("\n" + b.String())
			}
		})
	}
}

func sqliteDSN(t *testing.T) string { return filepath.Join(t.TempDir(), "parley.db") }

func postgresDSN(t *testing.T) string {
	st, dsn := sqltest.OpenPostgresUnmigrated(t)
	st.Close()
	return dsn
}

// startServer runs the real server on dsn with the tenant's configuration
// and returns its URL.
func startServer(t *testing.T, dsn string, tn loadtest.Tenant, log *slog.Logger) string {
	t.Helper()
	yaml, err := tn.Config()
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "bench.yaml")
	if err := os.WriteFile(cfg, yaml, 0o600); err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn, ConfigFile: cfg, Logger: log,
		PollInterval: 50 * time.Millisecond})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a.URL()
}

// testLogger discards, unless the test is verbose and PARLEY_TEST_LOG
// names a level.
func testLogger() *slog.Logger {
	var level slog.Level
	if !testing.Verbose() || level.UnmarshalText([]byte(os.Getenv("PARLEY_TEST_LOG"))) != nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
