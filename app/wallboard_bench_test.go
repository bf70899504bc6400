package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"golang.org/x/crypto/bcrypt"
)

// BenchmarkWallboardLatency: with 1,000 agents online (Ready, desktop
// seen), a supervisor's wallboard stream is open; an agent changes state
// through the API and the benchmark measures the time until the
// supervisor's stream delivers a board showing the change. Reported as
// ms/update (mean) and p50/p95/max. docs/BENCHMARKS.md.
func BenchmarkWallboardLatency(b *testing.B) {
	dbs := map[string]func(b *testing.B) string{
		"sqlite": func(b *testing.B) string { return filepath.Join(b.TempDir(), "parley.db") },
		"postgres": func(b *testing.B) string {
			st, dsn := sqltest.OpenPostgresUnmigrated(b)
			st.Close()
			return dsn
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) { benchWallboard(b, dbs[name](b)) })
	}
}

func benchWallboard(b *testing.B, dsn string) {
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	gs := httptest.NewServer(graph)
	b.Cleanup(gs.Close)
	var buf bytes.Buffer
	if err := template.Must(template.ParseFiles("testdata/parley.yaml")).Execute(&buf, map[string]string{"GraphURL": gs.URL}); err != nil {
		b.Fatal(err)
	}
	cfg := filepath.Join(b.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn, ConfigFile: cfg, PasswordCost: bcrypt.MinCost,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	svc, err := a.Store.ServiceByName(ctx, parley.DefaultTenant, "Support")
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	for i := range 1000 {
		u := &parley.User{TenantID: parley.DefaultTenant, Username: fmt.Sprintf("agent%04d", i), DisplayName: fmt.Sprintf("Agent %04d", i),
			Role: parley.RoleAgent, Capacity: 3, PasswordHash: "-", ServiceIDs: []string{svc.ID}}
		if err := a.Store.UpsertUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		if err := a.Store.SetAgentStatus(ctx, u.ID, parley.StateReady, "", time.Time{}, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := a.Store.TouchPresence(ctx, u.ID, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("1,000 agents online in %s", time.Since(began).Round(time.Millisecond))

	sam := loginB(b, a.URL(), "sam", "sam-pass")
	alice := loginB(b, a.URL(), "alice", "alice-pass")
	boards := make(chan *conversation.Wallboard, 64)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL()+"/api/wallboard/stream", nil)
	resp, err := sam.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("stream: %v %v", err, resp)
	}
	b.Cleanup(func() { resp.Body.Close() })
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "wallboard":
				var wb conversation.Wallboard
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &wb) == nil {
					boards <- &wb
				}
			}
		}
		close(boards)
	}()
	first := <-boards
	if len(first.Agents) < 1000 {
		b.Fatalf("the board shows %d agents", len(first.Agents))
	}
	aliceState := func(wb *conversation.Wallboard) string {
		i := slices.IndexFunc(wb.Agents, func(a conversation.WallAgent) bool { return a.Name == "Alice Martin" })
		if i < 0 {
			return ""
		}
		return wb.Agents[i].State
	}
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		want := []string{parley.StateReady, parley.StateNotReady}[i%2]
		start := time.Now()
		body := strings.NewReader(`{"state":"` + want + `"}`)
		req, _ := http.NewRequest(http.MethodPut, a.URL()+"/api/me/state", body)
		req.Header.Set("Content-Type", "application/json")
		r, err := alice.Do(req)
		if err != nil || r.StatusCode != http.StatusOK {
			b.Fatalf("state: %v %v", err, r)
		}
		r.Body.Close()
		for wb := range boards {
			if aliceState(wb) == want || (want == parley.StateReady && aliceState(wb) == parley.StateBusy) {
				break
			}
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(float64(sum.Milliseconds())/float64(len(took)), "ms/update")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}

// loginB returns a client with a session of user.
func loginB(b *testing.B, base, user, pass string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.Post(base+"/api/login", "application/json", strings.NewReader(`{"username":"`+user+`","password":"`+pass+`"}`))
	if err != nil || r.StatusCode != http.StatusOK {
		b.Fatalf("login %s: %v %v", user, err, r)
	}
	r.Body.Close()
	return c
}
