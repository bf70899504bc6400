package conversation

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestRoutePassGap: every event of a tenant wakes its routing leader,
// but a burst of them (a busy node's messages) runs a pass at most every
// routePassGap, not one per event.
func TestRoutePassGap(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		s := r.start()
		var tr *tenantRouter
		r.eventually("a routing leader", func() bool {
			s.routing.mu.Lock()
			defer s.routing.mu.Unlock()
			tr = s.routing.tenants[parley.DefaultTenant]
			return tr != nil
		})
		const events = 400
		before := tr.passes.Load()
		began := time.Now()
		for i := range events {
			must(t, r.bus.Publish(r.ctx, parley.DefaultTenant, int64(i+1)))
			time.Sleep(100 * time.Microsecond)
		}
		took := time.Since(began)
		passes := tr.passes.Load() - before
		// One pass may have begun before the burst, one per gap during
		// it, and one taking the last wakes.
		if limit := int64(took/routePassGap) + 3; passes > limit {
			t.Errorf("%d events in %s woke %d routing passes, want at most %d (one per %s)",
				events, took.Round(time.Millisecond), passes, limit, routePassGap)
		}
		r.eventually("a routing pass for the events", func() bool { return tr.passes.Load() > before })
	})
}
