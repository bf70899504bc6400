package conversation

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// BenchmarkLeaderCommit measures routing end to end on a real database:
// the leader's passes over a queue of waiting chats, each decision
// committed as a conditional transaction (Store.OfferChat) with its
// events, until every chat is assigned. routing's BenchmarkDecision
// measures the in-memory index alone.
//
//	go test ./conversation -run '^$' -bench LeaderCommit -benchtime 1x
func BenchmarkLeaderCommit(b *testing.B) {
	const chats, agents, capacity = 2000, 100, 20
	stores := map[string]func(testing.TB) *sqlstore.Store{"sqlite": sqltest.OpenSQLite, "postgres": sqltest.OpenPostgres}
	for _, name := range []string{"sqlite", "postgres"} {
		for _, auto := range []bool{true, false} {
			mode := "offers"
			if auto {
				mode = "auto-accept"
			}
			b.Run(fmt.Sprintf("%s/%s", name, mode), func(b *testing.B) {
				var total time.Duration
				for range b.N {
					b.StopTimer()
					st := stores[name](b)
					caps := map[string]int{}
					for i := range agents {
						caps[fmt.Sprintf("agent%03d", i)] = capacity
					}
					r := newRig(b, st, parley.ServiceRouting{AutoAccept: auto}, caps)
					s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
					for _, u := range r.agents {
						_, err := s.SetAgentStatus(r.ctx, u, parley.StateReady, "")
						must(b, err)
					}
					for i := range chats {
						r.arriveOn(s, i%3)
					}
					must(b, st.Analyze(r.ctx)) // plans that fit the data, as autovacuum leaves them
					tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
					must(b, err)
					b.StartTimer()

					start := time.Now()
					must(b, s.routePass(r.ctx, tr)) // routes until nobody can take more
					total += time.Since(start)
					var left int
					tr.lock(func() { left = tr.x.Waiting(r.service.ID) })
					if left != 0 {
						b.Fatalf("%d chats left waiting", left)
					}
					b.StopTimer()
					_ = st.Close()
				}
				b.ReportMetric(float64(chats*b.N)/total.Seconds(), "decisions/s")
				b.ReportMetric(total.Seconds()*1000/float64(chats*b.N), "ms/decision")
			})
		}
	}
}
