package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestTimelinesOfTwoNodes: two nodes on one database add a day's facts
// as they happen, one at a time, each taking runs of a few facts in
// turn, so each node keeps condensed timelines that the other node's
// writes make stale. The aggregates must still equal the raw
// computation: a node never counts with a timeline that misses facts.
func TestTimelinesOfTwoNodes(t *testing.T) {
	cases := []struct {
		name string
		open func(t *testing.T) (*sqlstore.Store, *sqlstore.Store)
	}{
		{"sqlite", func(t *testing.T) (*sqlstore.Store, *sqlstore.Store) {
			path := filepath.Join(t.TempDir(), "parley.db")
			a, b := openAt(t, path), openAt(t, path)
			must(t, a.Migrate(ctx))
			return a, b
		}},
		{"postgres", func(t *testing.T) (*sqlstore.Store, *sqlstore.Store) {
			a, dsn := sqltest.OpenPostgresUnmigrated(t)
			must(t, a.Migrate(ctx))
			return a, openAt(t, dsn)
		}},
	}
	facts := metricstest.Day(5, 120).Facts()
	metrics.SortTimeline(facts)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := c.open(t)
			cfg := metrics.DefaultConfig()
			nodes := []*sqlstore.FactLog{a.FactLog(cfg), b.FactLog(cfg)}
			for i := range facts {
				must(t, nodes[(i/3)%2].AddFacts(ctx, []parley.Fact{facts[i]}))
			}
			stored, err := a.FactsBetween(ctx, "t", time.Time{}.Add(time.Hour), at(1e8))
			must(t, err)
			if len(stored) != len(facts) {
				t.Fatalf("%d facts stored, want %d", len(stored), len(facts))
			}
			from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
			if !equalRows(t, readAllRows(t, a, from, to), metrics.RowsFromFacts(stored, cfg)) {
				t.Fatal("aggregates differ from the raw computation")
			}
		})
	}
}

func openAt(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}
