package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// fact is a fact of tenant "t" for tests.
func fact(chat, kind, svc, agent string, sec int) parley.Fact {
	return parley.Fact{TenantID: "t", ChatID: chat, Kind: kind, ServiceID: svc, AgentID: agent, At: at(sec)}
}

// TestFactTimeline: facts come back as their chat's timeline, by time then
// by the order they were stored, with ids; invalid facts store nothing.
func TestFactTimeline(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		log := s.FactLog(metrics.DefaultConfig())
		batch := []parley.Fact{
			fact("c1", parley.FactEnteredQueue, "sales", "", 10),
			fact("c2", parley.FactEnteredQueue, "sales", "", 5),
			fact("c1", parley.FactCustomerMessage, "", "", 0), // late: earlier than the queue entry
			fact("c1", parley.FactAccepted, "sales", "a1", 30),
		}
		must(t, log.AddFacts(ctx, batch))
		for i, f := range batch {
			if f.ID == 0 {
				t.Errorf("fact %d: no id", i)
			}
		}
		got, err := s.ChatFacts(ctx, "t", "c1")
		must(t, err)
		wantKinds(t, got, parley.FactCustomerMessage, parley.FactEnteredQueue, parley.FactAccepted)
		if !got[1].At.Equal(at(10)) || got[2].AgentID != "a1" || got[1].ServiceID != "sales" {
			t.Errorf("timeline: %v", got)
		}
		bad := []parley.Fact{fact("c1", parley.FactClosed, "", "", 40), fact("c1", parley.FactSurveyAnswered, "", "", 50)}
		wantCode(t, log.AddFacts(ctx, bad), parley.EINVALID) // score 0
		between, err := s.FactsBetween(ctx, "t", at(5), at(30))
		must(t, err)
		wantKinds(t, between, parley.FactEnteredQueue, parley.FactEnteredQueue)
	})
}

func wantKinds(t *testing.T, facts []parley.Fact, kinds ...string) {
	t.Helper()
	if len(facts) != len(kinds) {
		t.Fatalf("%d facts %v, want %v", len(facts), facts, kinds)
	}
	for i, k := range kinds {
		if facts[i].Kind != k {
			t.Errorf("fact %d: %s, want %s", i, facts[i].Kind, k)
		}
	}
}

// TestMetricAggregatesEqualRaw: a generated day of traffic, stored in
// random batches with some facts arriving late, leaves exactly the
// aggregates that a computation from all the facts gives, and the same
// reports.
func TestMetricAggregatesEqualRaw(t *testing.T) {
	// One ForEachStore per subtest: a second call in the same test would
	// name its SQLite subtest "sqlite#01", and a '#' in the file path cuts
	// the SQLite URI short (the file lands outside the temporary folder).
	// FactLog.AddFacts writes a batch chat by chat; Store.AddFacts (as
	// routing's batches of offers do) writes all of a tenant's at once.
	adders := map[string]func(s *sqlstore.Store, cfg metrics.Config, b []parley.Fact) error{
		"factlog": func(s *sqlstore.Store, cfg metrics.Config, b []parley.Fact) error {
			return s.FactLog(cfg).AddFacts(ctx, b)
		},
		"store": func(s *sqlstore.Store, _ metrics.Config, b []parley.Fact) error { return s.AddFacts(ctx, b) },
	}
	for _, seed := range []uint64{1, 2} {
		facts := metricstest.Day(seed, 400).Facts()
		for _, name := range []string{"factlog", "store"} {
			t.Run(fmt.Sprintf("seed%d/%s", seed, name), func(t *testing.T) { equalRawOn(t, facts, seed, adders[name]) })
		}
	}
}

func equalRawOn(t *testing.T, facts []parley.Fact, seed uint64, add func(*sqlstore.Store, metrics.Config, []parley.Fact) error) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		cfg := sqlstore.MetricConfig(nil) // no thresholds stored: what Store.AddFacts counts with
		for _, b := range shuffledBatches(facts, seed) {
			must(t, add(s, cfg, b))
		}
		stored, err := s.FactsBetween(ctx, "t", time.Time{}.Add(time.Hour), at(1e8))
		must(t, err)
		if len(stored) != len(facts) {
			t.Fatalf("%d facts stored, want %d", len(stored), len(facts))
		}
		raw := metrics.RowsFromFacts(stored, cfg)
		from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
		agg := readAllRows(t, s, from, to)
		if !equalRows(t, agg, raw) {
			t.Fatal("aggregates differ from the raw computation")
		}
		checkReports(t, s, stored, cfg, from, to)
	})
}

// TestMetricConcurrentWriters: writers adding facts of the same chats at
// once (PostgreSQL: several connections) count each fact once.
func TestMetricConcurrentWriters(t *testing.T) {
	facts := metricstest.Day(3, 60).Facts()
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		cfg := metrics.DefaultConfig()
		log := s.FactLog(cfg)
		var wg sync.WaitGroup
		errs := make(chan error, len(facts))
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(facts); i += 4 {
					errs <- log.AddFacts(ctx, facts[i:i+1])
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		stored, err := s.FactsBetween(ctx, "t", time.Time{}.Add(time.Hour), at(1e8))
		must(t, err)
		from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
		if !equalRows(t, readAllRows(t, s, from, to), metrics.RowsFromFacts(stored, cfg)) {
			t.Fatal("aggregates differ from the raw computation")
		}
	})
}

// shuffledBatches splits facts into batches of 1–20 in an order that
// interleaves chats; one fact in ten is held back to a later batch (it
// arrives late, out of its chat's time order).
func shuffledBatches(facts []parley.Fact, seed uint64) [][]parley.Fact {
	rnd := rand.New(rand.NewPCG(seed, 7))
	order := append([]parley.Fact(nil), facts...)
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var out [][]parley.Fact
	for len(order) > 0 {
		n := min(len(order), 1+rnd.IntN(20))
		out = append(out, order[:n])
		order = order[n:]
	}
	return out
}

func readAllRows(t *testing.T, s *sqlstore.Store, from, to time.Time) []metrics.Row {
	t.Helper()
	totals, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: "t", From: from, To: to})
	must(t, err)
	agents, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: "t", From: from, To: to, Agents: true})
	must(t, err)
	all := append(totals, agents...)
	var out []metrics.Row
	for _, r := range all {
		if !r.Counters.IsZero() { // a row whose deltas cancelled out
			out = append(out, r)
		}
	}
	metrics.SortRows(out)
	return out
}

func equalRows(t *testing.T, got, want []metrics.Row) bool {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
		return false
	}
	ok := true
	for i := range got {
		if got[i].Key != want[i].Key || got[i].Counters != want[i].Counters {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
			ok = false
		}
	}
	return ok
}

// checkReports compares the store's reports with those computed from the
// facts.
func checkReports(t *testing.T, s *sqlstore.Store, facts []parley.Fact, cfg metrics.Config, from, to time.Time) {
	t.Helper()
	svc, err := s.ServiceReports(ctx, "t", from, to)
	must(t, err)
	if want := metrics.ServiceReportsFromFacts(facts, cfg); !equalReports(svc, want) {
		t.Errorf("service reports:\n got %+v\nwant %+v", svc, want)
	}
	agents, err := s.AgentReports(ctx, "t", from, to)
	must(t, err)
	if want := metrics.AgentReportsFromFacts(facts, cfg); len(agents) != len(want) {
		t.Errorf("%d agent reports, want %d", len(agents), len(want))
	}
	for _, zone := range []string{"UTC", "Europe/Paris", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(zone)
		must(t, err)
		for _, size := range []metrics.Interval{metrics.Quarter, metrics.Hour, metrics.Day} {
			got, err := s.IntervalReports(ctx, "t", from, to, size, loc)
			must(t, err)
			want := metrics.IntervalReportsFromFacts(facts, cfg, size, loc)
			if !equalIntervals(got, want) {
				t.Errorf("%s by %s: %d intervals, want %d, or figures differ", zone, size, len(got), len(want))
			}
		}
	}
	checkUnalignedTotals(t, s)
}

// checkUnalignedTotals: totals of a range read as days, hours and quarter
// hours equal the sum of its quarter-hour rows.
func checkUnalignedTotals(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	from := time.Date(2026, 3, 1, 10, 15, 0, 0, time.UTC)
	to := time.Date(2026, 3, 3, 13, 45, 0, 0, time.UTC)
	for _, agents := range []bool{false, true} {
		q := sqlstore.MetricQuery{TenantID: "t", From: from, To: to, Agents: agents}
		totals, err := s.MetricTotals(ctx, q)
		must(t, err)
		rows, err := s.MetricRows(ctx, q)
		must(t, err)
		want := map[[2]string]metrics.Counters{}
		for _, r := range rows {
			c := want[[2]string{r.ServiceID, r.AgentID}]
			c.Add(r.Counters)
			want[[2]string{r.ServiceID, r.AgentID}] = c
		}
		if len(totals) != len(want) {
			t.Fatalf("agents %v: %d totals, want %d", agents, len(totals), len(want))
		}
		for _, r := range totals {
			if w := want[[2]string{r.ServiceID, r.AgentID}]; r.Counters != w {
				t.Errorf("agents %v, %s/%s: %+v, want %+v", agents, r.ServiceID, r.AgentID, r.Counters, w)
			}
		}
	}
}

func equalIntervals(a, b []metrics.IntervalReport) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) || a[i].Counters != b[i].Counters {
			return false
		}
	}
	return true
}

func equalReports(a, b []metrics.ServiceReport) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
