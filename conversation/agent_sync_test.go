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

// TestSyncAgentsReadsOnlyChanges: after the first (full) read, a pass
// re-reads only the agents whose rows changed (the others keep the rows
// read before), and still sees every change, deletions included, even
// those no event announces.
func TestSyncAgentsReadsOnlyChanges(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		caps := map[string]int{}
		for i := range 20 {
			caps[fmt.Sprintf("agent%02d", i)] = 2
		}
		r := newRig(t, st, parley.ServiceRouting{}, caps)
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
		must(t, err)
		before := map[string]*parley.User{}
		for _, u := range tr.roster.users {
			before[u.ID] = u
		}
		a3, a7 := r.agents["agent03"], r.agents["agent07"]
		must(t, st.SetAgentStatus(r.ctx, a3.ID, parley.StateReady, "", time.Time{}, r.clock.Now()))
		must(t, st.TouchPresence(r.ctx, a3.ID, r.clock.Now()))
		must(t, st.DeleteUser(r.ctx, a7.ID))
		must(t, s.syncAgents(r.ctx, tr))

		if len(tr.roster.users) != 19 {
			t.Fatalf("roster has %d users after one was deleted, want 19", len(tr.roster.users))
		}
		// On PostgreSQL the mark is the oldest transaction running in the
		// whole cluster: with other sessions busy, agents changed a little
		// earlier may be read again (never fewer). SQLite is exact.
		exact := st.Dialect() == sqlstore.DialectSQLite
		for _, u := range tr.roster.users {
			if changed := u != before[u.ID]; changed != (u.ID == a3.ID) && (exact || u.ID == a3.ID) {
				t.Errorf("%s re-read: %v", u.Username, changed)
			}
		}
		a, ok := tr.x.Agent(a3.ID)
		if !ok || a.State != parley.StateReady || !a.Present {
			t.Fatalf("index has agent03 as %+v", a)
		}
		if _, ok := tr.x.Agent(a7.ID); ok {
			t.Fatal("the deleted agent07 is still in the index")
		}
		// A pass with nothing changed reads no user (on SQLite; see above).
		q := st.Queries()
		must(t, s.syncAgents(r.ctx, tr))
		if n := st.Queries() - q; n != 2 && exact {
			t.Fatalf("a pass with no change ran %d queries, want 2 (mark, changes)", n)
		}
	})
}
