package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/conversation"
)

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// expect adds up what the test did, by service, with the definitions'
// arithmetic (docs/METRICS.md), to check the figures against.
type expect struct {
	offered, answered, inSL, abandoned, short, handled, overLimit, transfers, frts int64
	wait, handle, frt                                                              time.Duration
}

func (e *expect) texts() map[string]string {
	avg := func(d time.Duration, n int64) string {
		if n == 0 {
			return "—"
		}
		return strconv.FormatInt(int64(time.Duration(d.Microseconds()/n)*time.Microsecond/time.Second), 10)
	}
	sl := "—"
	if e.answered+e.abandoned > 0 {
		sl = strconv.FormatFloat(100*float64(e.inSL)/float64(e.answered+e.abandoned), 'f', 1, 64)
	}
	return map[string]string{
		"offered": fmt.Sprint(e.offered), "answered": fmt.Sprint(e.answered), "answered_in_sl": fmt.Sprint(e.inSL),
		"abandoned": fmt.Sprint(e.abandoned), "short_abandoned": fmt.Sprint(e.short), "service_level": sl,
		"asa": avg(e.wait, e.answered), "aht": avg(e.handle, e.handled), "first_response": avg(e.frt, e.frts),
		"over_limit": fmt.Sprint(e.overLimit), "transfers": fmt.Sprint(e.transfers), "csat": "—",
	}
}

// TestDayOfTrafficAgrees drives a generated day of chats through the real
// server (webhooks, routing, the agents' API) on a clock the test moves,
// then reads the same day from the wallboard, the service report and its
// CSV: every figure agrees, to the second, with each other and with what
// the test did (waits, first responses, handle times, abandons,
// transfers), on SQLite and PostgreSQL.
func TestDayOfTrafficAgrees(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) { dayOfTraffic(t, dsn(t)) })
	}
}

func dayOfTraffic(t *testing.T, dsn string) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// A day ahead of the wall clock: the check for scenario runs cut off
	// compares stored stamps with the wall clock, and must not take this
	// day's for old ones.
	day := time.Date(2036, 1, 15, 0, 0, 0, 0, paris)
	clock := &testClock{}
	clock.Set(day.Add(8 * time.Hour))
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	gs := httptest.NewServer(graph)
	t.Cleanup(gs.Close)
	var buf bytes.Buffer
	if err := template.Must(template.ParseFiles("testdata/metrics.yaml")).Execute(&buf, map[string]string{"GraphURL": gs.URL}); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, graph: graph, cfg: filepath.Join(t.TempDir(), "parley.yaml"), dsn: dsn,
		tune: func(c *app.Config) { c.Clock, c.PresenceGrace = clock, 48*time.Hour }}
	if err := os.WriteFile(w.cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	w.start()
	sam := w.login("sam", "sam-pass")
	agents := map[string]*agent{"alice": w.login("alice", "alice-pass"), "bruno": w.login("bruno", "bruno-pass")}
	setState := func(a *agent, state string) {
		t.Helper()
		if code := a.do(http.MethodPut, "/api/me/state", map[string]string{"state": state}, nil); code != http.StatusOK {
			t.Fatalf("state %s: HTTP %d", state, code)
		}
	}
	for _, a := range agents {
		setState(a, "not_ready")
	}
	var services struct {
		Thresholds []conversation.ThresholdsView `json:"thresholds"`
	}
	sam.do(http.MethodGet, "/api/thresholds", nil, &services)
	svcID := map[string]string{}
	for _, th := range services.Thresholds {
		svcID[th.Service] = th.ServiceID
	}
	exp := map[string]*expect{"Support": {}, "Sales": {}}
	handled := map[string]int64{}
	rng := rand.New(rand.NewPCG(11, 7))
	// jump moves the clock once no scenario step is running: a step
	// in flight when time leaps minutes ahead would look cut off.
	jump := func(to time.Time) {
		t.Helper()
		eventually(t, "scenarios at rest", func() bool {
			cs, err := w.app.Store.Chats(context.Background(), parley.ChatFilter{TenantID: parley.DefaultTenant,
				States: []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Scenario.Block != "" && c.Scenario.Waiting == "" {
					return false
				}
			}
			return true
		})
		clock.Set(to)
	}
	after := func(d time.Duration) { jump(clock.Now().Add(d)) }
	secs := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Second }
	openChat := func(state string) chatJSON {
		t.Helper()
		var c chatJSON
		eventually(t, "a "+state+" chat", func() bool {
			for _, x := range sam.chats() {
				if x.State == state {
					c = x
					return true
				}
			}
			return false
		})
		return c
	}
	say := func(user, mid, text string) {
		t.Helper()
		body := fakegraph.TextEvent(pageID, user, mid, text, clock.Now())
		if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %s %s", resp.Status, msg)
		}
	}
	stored := func(a *agent, chatID, text string) {
		t.Helper()
		eventually(t, "the customer's "+text, func() bool {
			for _, m := range a.messages(chatID) {
				if m.Text == text {
					return true
				}
			}
			return false
		})
	}
	// serve: the agent takes the queued chat after wait, replies after
	// frt, the customer answers, and the segment ends after handle.
	serve := func(svc, name, user string, i int, wait, frt time.Duration) (string, *agent) {
		t.Helper()
		e, a := exp[svc], agents[name]
		after(wait)
		setState(a, "ready")
		c := openChat("assigned")
		setState(a, "not_ready")
		// The scenario has moved on from Find Agent to Connect Chat.
		eventually(t, "the chat connected", func() bool {
			got, err := w.app.Store.Chat(context.Background(), c.ID)
			return err == nil && got.Scenario.Block == "connect" && got.Scenario.Waiting != ""
		})
		e.answered++
		e.wait += wait
		if wait <= map[string]time.Duration{"Support": 20 * time.Second, "Sales": 30 * time.Second}[svc] {
			e.inSL++
		}
		after(frt)
		if code := a.do(http.MethodPost, "/api/chats/"+c.ID+"/messages", map[string]string{"text": "How can I help?"}, nil); code != http.StatusCreated {
			t.Fatalf("reply: HTTP %d", code)
		}
		e.frts++
		e.frt += frt
		after(2 * time.Second)
		thanks := fmt.Sprintf("Thanks %d %s", i, name) // a text of its own: stored() waits for this one
		say(user, fmt.Sprintf("m-%d-%s-2", i, name), thanks)
		stored(a, c.ID, thanks)
		return c.ID, a
	}
	endSegment := func(svc, name string, handle time.Duration, limit time.Duration) {
		e := exp[svc]
		e.handled++
		e.handle += handle
		handled[name]++
		if handle > limit {
			e.overLimit++
		}
	}
	for i := range 30 {
		jump(day.Add(8*time.Hour + time.Duration(i)*20*time.Minute))
		user := fmt.Sprintf("71000000000%05d", i)
		graph.SetProfile(user, "Customer", strconv.Itoa(i), "")
		say(user, fmt.Sprintf("m-%d-1", i), "Hello")
		openChat("queued")
		exp["Support"].offered++
		name := []string{"alice", "bruno"}[i%2]
		switch i % 5 {
		case 0, 1, 2: // answered in Support, closed by the agent
			id, a := serve("Support", name, user, i, secs(0, 40), secs(1, 60))
			segStart := lastAccept(t, a, id)
			handle := clock.Now().Sub(segStart) + secs(1, 240)
			jump(segStart.Add(handle))
			if code := a.do(http.MethodPost, "/api/chats/"+id+"/close", nil, nil); code != http.StatusNoContent && code != http.StatusOK {
				t.Fatalf("close: HTTP %d", code)
			}
			endSegment("Support", name, handle, 3*time.Minute)
		case 3: // abandoned: the customer stays silent past dropout_after (45 s)
			after(50 * time.Second)
			eventually(t, "the chat abandoned", func() bool { return len(sam.chats()) == 0 })
			exp["Support"].abandoned++ // waited 50 s ≥ the 10 s dropout
		case 4: // answered in Support, transferred to Sales, answered there
			id, a := serve("Support", name, user, i, secs(0, 40), secs(1, 60))
			segStart := lastAccept(t, a, id)
			x := clock.Now().Sub(segStart) + secs(1, 60)
			jump(segStart.Add(x))
			// Stored before the transfer: the dropout rule counts the
			// customer's silence from it (the chat keeps its first place
			// in line, so its queued_at is long past).
			say(user, fmt.Sprintf("m-%d-3", i), "Sales please")
			stored(a, id, "Sales please")
			if code := a.do(http.MethodPost, "/api/chats/"+id+"/transfer", map[string]string{"service_id": svcID["Sales"]}, nil); code != http.StatusNoContent {
				t.Fatalf("transfer: HTTP %d", code)
			}
			endSegment("Support", name, x, 3*time.Minute)
			exp["Support"].transfers++
			exp["Sales"].offered++
			other := map[string]string{"alice": "bruno", "bruno": "alice"}[name]
			id2, b := serve("Sales", other, user, i*100, secs(0, 40), secs(1, 60))
			start2 := lastAccept(t, b, id2)
			h2 := clock.Now().Sub(start2) + secs(1, 700)
			jump(start2.Add(h2))
			if code := b.do(http.MethodPost, "/api/chats/"+id2+"/close", nil, nil); code != http.StatusNoContent && code != http.StatusOK {
				t.Fatalf("close: HTTP %d", code)
			}
			endSegment("Sales", other, h2, 10*time.Minute)
		}
		eventually(t, "no open chat", func() bool {
			cs := sam.chats()
			if len(cs) > 0 && testing.Verbose() {
				t.Logf("open: %+v", cs)
			}
			return len(cs) == 0
		})
	}
	jump(day.Add(23 * time.Hour))

	var wb conversation.Wallboard
	if code := sam.do(http.MethodGet, "/api/wallboard", nil, &wb); code != http.StatusOK {
		t.Fatalf("wallboard: HTTP %d", code)
	}
	date := day.Format("2006-01-02")
	var tab conversation.Table
	if code := sam.do(http.MethodGet, "/api/reports/services?from="+date+"&to="+date, nil, &tab); code != http.StatusOK {
		t.Fatalf("report: HTTP %d", code)
	}
	rows := csvRows(t, sam, "/api/reports/services/csv?from="+date+"&to="+date)
	if len(rows) != len(tab.Rows)+1 {
		t.Fatalf("CSV has %d rows, the table %d (+ header)", len(rows), len(tab.Rows))
	}
	for i, r := range tab.Rows {
		if fmt.Sprint(rows[i+1]) != fmt.Sprint(r) {
			t.Errorf("CSV row %d = %v, table %v", i, rows[i+1], r)
		}
	}
	for _, ws := range wb.Services {
		row := -1
		for i, r := range tab.Rows {
			if r[0] == ws.Name {
				row = i
			}
		}
		if row < 0 {
			t.Fatalf("service %s not in the report", ws.Name)
		}
		want := exp[ws.Name].texts()
		for key, board := range ws.Today {
			report := tab.Cell(row, key)
			if board != report {
				t.Errorf("%s %s: wallboard %q, report %q", ws.Name, key, board, report)
			}
			if w, ok := want[key]; ok && w != report {
				t.Errorf("%s %s: report %q, the test did %q", ws.Name, key, report, w)
			}
		}
		if len(ws.Today) < len(want) {
			t.Errorf("%s: the wallboard has %d figures, want at least %d", ws.Name, len(ws.Today), len(want))
		}
	}
	var agentsTab conversation.Table
	sam.do(http.MethodGet, "/api/reports/agents?from="+date+"&to="+date, nil, &agentsTab)
	username := map[string]string{"Alice Martin": "alice", "Bruno Diaz": "bruno"}
	for _, a := range wb.Agents {
		for i, r := range agentsTab.Rows {
			if r[0] != a.Name {
				continue
			}
			if got, did := agentsTab.Cell(i, "handled"), fmt.Sprint(handled[username[a.Name]]); got != a.CompletedToday || got != did {
				t.Errorf("%s: handled %s in the report, %s on the wallboard, %s by the test", a.Name, got, a.CompletedToday, did)
			}
		}
	}
	if t.Failed() {
		facts, _ := w.app.Store.FactsBetween(context.Background(), parley.DefaultTenant, day, day.AddDate(0, 0, 1))
		entries := map[string]int{}
		for _, f := range facts {
			if f.Kind == parley.FactEnteredQueue {
				entries[f.ChatID]++
			}
		}
		for _, f := range facts {
			if entries[f.ChatID] > 1 {
				t.Logf("%v", f)
			}
		}
	}
	t.Logf("Support %v; Sales %v", exp["Support"].texts(), exp["Sales"].texts())
}

// lastAccept returns when the agent's chat was last assigned.
func lastAccept(t *testing.T, a *agent, chatID string) time.Time {
	t.Helper()
	var out struct {
		Chats []struct {
			ID         string    `json:"id"`
			AssignedAt time.Time `json:"assigned_at"`
		}
	}
	a.do(http.MethodGet, "/api/chats", nil, &out)
	for _, c := range out.Chats {
		if c.ID == chatID {
			return c.AssignedAt
		}
	}
	t.Fatalf("chat %s is not the agent's", chatID)
	return time.Time{}
}

func csvRows(t *testing.T, a *agent, path string) [][]string {
	t.Helper()
	resp, err := a.client.Get(a.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CSV: HTTP %d %s", resp.StatusCode, b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
