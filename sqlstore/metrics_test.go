package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestMetricQueryFilters: a report's services, agent and range select
// exactly their rows. Two chats: c1 answered by a1 in sales at t0, c2
// answered by a2 in support an hour later; tenant u has one of its own.
func TestMetricQueryFilters(t *testing.T) {
	facts := []parley.Fact{
		fact("c1", parley.FactEnteredQueue, "sales", "", 0),
		fact("c1", parley.FactAccepted, "sales", "a1", 20),
		fact("c2", parley.FactEnteredQueue, "support", "", 3600),
		fact("c2", parley.FactAccepted, "support", "a2", 3700),
		{TenantID: "u", ChatID: "c3", Kind: parley.FactEnteredQueue, ServiceID: "sales", At: at(0)},
	}
	cases := []struct {
		name      string
		q         sqlstore.MetricQuery
		wantKeys  []string // service/agent of the totals
		wantCount int64    // answered + offered in them
	}{
		{"all services", sqlstore.MetricQuery{}, []string{"sales/", "support/"}, 4},
		{"one service", sqlstore.MetricQuery{ServiceIDs: []string{"support"}}, []string{"support/"}, 2},
		{"agents", sqlstore.MetricQuery{Agents: true}, []string{"sales/a1", "support/a2"}, 2},
		{"one agent", sqlstore.MetricQuery{AgentID: "a2"}, []string{"support/a2"}, 1},
		{"agents of a service", sqlstore.MetricQuery{Agents: true, ServiceIDs: []string{"sales"}}, []string{"sales/a1"}, 1},
		{"first hour only", sqlstore.MetricQuery{To: at(3600)}, []string{"sales/"}, 2},
		{"second hour only", sqlstore.MetricQuery{From: at(3600)}, []string{"support/"}, 2},
	}
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.FactLog(metrics.DefaultConfig()).AddFacts(ctx, facts))
		for _, c := range cases {
			q := c.q
			q.TenantID = "t"
			if q.From.IsZero() {
				q.From = at(-86400)
			}
			if q.To.IsZero() {
				q.To = at(86400)
			}
			got, err := s.MetricTotals(ctx, q)
			must(t, err)
			var keys []string
			var n int64
			for _, r := range got {
				keys = append(keys, r.ServiceID+"/"+r.AgentID)
				n += r.Answered + r.Offered
			}
			if len(keys) != len(c.wantKeys) || n != c.wantCount {
				t.Errorf("%s: %v (%d), want %v (%d)", c.name, keys, n, c.wantKeys, c.wantCount)
				continue
			}
			for i := range keys {
				if keys[i] != c.wantKeys[i] {
					t.Errorf("%s: %v, want %v", c.name, keys, c.wantKeys)
				}
			}
		}
		// Tenant u sees only its own chat.
		u, err := s.ServiceReports(ctx, "u", at(-86400), at(86400))
		must(t, err)
		if len(u) != 1 || u[0].Offered != 1 || u[0].Answered != 0 {
			t.Errorf("tenant u: %+v", u)
		}
		days, err := s.IntervalReports(ctx, "t", at(-86400), at(86400), metrics.Day, time.UTC, "sales")
		must(t, err)
		if len(days) != 1 || days[0].Answered != 1 || days[0].Offered != 1 {
			t.Errorf("sales by day: %+v", days)
		}
	})
}
