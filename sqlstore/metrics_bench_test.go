package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// benchLoad is 90 days of aggregates for 50 services and 500 agents,
// 11,111 chats a day: 1,000,000 chats.
var benchLoad = metricstest.Load{
	TenantID: "t", Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	Services: 50, Agents: 500, ChatsPerDay: 11_111, Seed: 1,
}

// BenchmarkServiceReport90Days reads 90-day reports from 90 days of
// aggregate rows (generated directly) plus a raw sample of a day of facts
// stored through FactLog, on SQLite and PostgreSQL. docs/BENCHMARKS.md.
func BenchmarkServiceReport90Days(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchReports(b, sqltest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchReports(b, sqltest.OpenPostgres(b)) })
}

// benchReports loads s once and runs the report sub-benchmarks on it.
func benchReports(b *testing.B, s *sqlstore.Store) {
	loadAggregates(b, s)
	loadRawSample(b, s)
	from, to := benchLoad.Start, benchLoad.Start.AddDate(0, 0, 90)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("range-all-services", func(b *testing.B) {
		for b.Loop() {
			r, err := s.ServiceReports(ctx, "t", from, to)
			if err != nil || len(r) != benchLoad.Services {
				b.Fatalf("%d reports: %v", len(r), err)
			}
		}
	})
	b.Run("daily-one-service", func(b *testing.B) {
		for b.Loop() {
			r, err := s.IntervalReports(ctx, "t", from, to, metrics.Day, paris, "svc-07")
			if err != nil || len(r) < 90 {
				b.Fatalf("%d days: %v", len(r), err)
			}
		}
	})
	b.Run("daily-all-services", func(b *testing.B) {
		for b.Loop() {
			r, err := s.IntervalReports(ctx, "t", from, to, metrics.Day, paris)
			if err != nil || len(r) < 90 {
				b.Fatalf("%d days: %v", len(r), err)
			}
		}
	})
	b.Run("agents-range", func(b *testing.B) {
		for b.Loop() {
			r, err := s.AgentReports(ctx, "t", from, to)
			if err != nil || len(r) != benchLoad.Agents {
				b.Fatalf("%d agents: %v", len(r), err)
			}
		}
	})
}

// loadAggregates writes the 90 days of rows, a day per transaction.
func loadAggregates(b *testing.B, s *sqlstore.Store) {
	b.Helper()
	start, rows, chats := time.Now(), 0, int64(0)
	for d := 0; d < 90; d++ {
		day := benchLoad.DayRows(d)
		for _, r := range day {
			if r.AgentID == metrics.AllAgents {
				chats += r.Offered
			}
		}
		rows += len(day)
		if err := s.AddMetricRows(ctx, day); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d aggregate rows (%d chats) written in %v", s.Dialect(), rows, chats, time.Since(start).Round(time.Millisecond))
}

// loadRawSample stores a day of 2,000 generated chats' facts through
// FactLog, 50 facts per call.
func loadRawSample(b *testing.B, s *sqlstore.Store) {
	b.Helper()
	tr := metricstest.Day(9, 2000)
	tr.Start = benchLoad.Start.AddDate(0, 0, 45)
	facts := tr.Facts()
	log := s.FactLog(metrics.DefaultConfig())
	start := time.Now()
	for i := 0; i < len(facts); i += 50 {
		if err := log.AddFacts(ctx, facts[i:min(i+50, len(facts))]); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	b.Logf("%s: %d facts of 2,000 chats stored through FactLog in %v (%.0f facts/s)", s.Dialect(), len(facts), el.Round(time.Millisecond), float64(len(facts))/el.Seconds())
}
