package conversation

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestIndexFollowsAgentRowBackToEarlierValue drives the leader's passes by
// hand. The index applies its own decision at once (alice gets a chat or
// an offer); if her row is back where it was before the next pass (the
// chat transferred away, the offer rejected), the pass must still tell the
// index, or she stays "busy" there and is never routed to again.
func TestIndexFollowsAgentRowBackToEarlierValue(t *testing.T) {
	cases := []struct {
		name    string
		routing parley.ServiceRouting
		undo    func(r *rig, s *Service, chatID string) error
	}{
		{"assigned chat transferred away", parley.ServiceRouting{AutoAccept: true},
			func(r *rig, s *Service, chatID string) error {
				return s.Transfer(r.ctx, r.agents["alice"], chatID, TransferRequest{ServiceID: r.service.ID})
			}},
		{"offer rejected", parley.ServiceRouting{},
			func(r *rig, s *Service, chatID string) error {
				return s.RejectOffer(r.ctx, r.agents["alice"], chatID)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, tc.routing, map[string]int{"alice": 1})
				s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
					PresenceGrace: time.Hour})
				if _, err := s.SetAgentStatus(r.ctx, r.agents["alice"], parley.StateReady, ""); err != nil {
					t.Fatal(err)
				}
				tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
				must(t, err)
				c := r.arriveOn(s, 0)
				must(t, s.routeOnce(r.ctx, tr))
				if a, _ := tr.x.Agent(r.agents["alice"].ID); a.Load+a.Offers != 1 {
					t.Fatalf("after the decision the index has alice at %d load + %d offers, want 1", a.Load, a.Offers)
				}

				must(t, tc.undo(r, s, c.ID)) // before the leader reads alice's row again
				must(t, s.syncAgents(r.ctx, tr))
				a, _ := tr.x.Agent(r.agents["alice"].ID)
				if a.Load != 0 || a.Offers != 0 {
					t.Fatalf("index has alice at %d load + %d offers after her row went back to 0", a.Load, a.Offers)
				}
				if !a.IdleSince.Equal(r.clock.Now()) {
					t.Fatalf("index has alice idle since %v, want %v", a.IdleSince, r.clock.Now())
				}
			})
		})
	}
}

// TestSyncAgentsSeesPresenceLapse: a pass re-reads only the agents whose
// rows changed, but an agent's presence lapses with no row changing. The
// index must still see it, at the first pass after it lapses, and no
// earlier.
func TestSyncAgentsSeesPresenceLapse(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 1, "bob": 1})
		grace := time.Minute
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			PresenceGrace: grace})
		alice, bob := r.agents["alice"], r.agents["bob"]
		_, err := s.SetAgentStatus(r.ctx, alice, parley.StateReady, "")
		must(t, err)
		tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
		must(t, err)
		r.clock.Advance(20 * time.Second)
		_, err = s.SetAgentStatus(r.ctx, bob, parley.StateReady, "") // bob's desktop seen 20 s after alice's
		must(t, err)
		present := func() (a, b bool) {
			tr.lock(func() {
				x, _ := tr.x.Agent(alice.ID)
				y, _ := tr.x.Agent(bob.ID)
				a, b = x.Present, y.Present
			})
			return a, b
		}
		steps := []struct {
			advance    time.Duration
			alice, bob bool
		}{
			{0, true, true},
			{30 * time.Second, true, true},  // alice seen 50 s ago
			{15 * time.Second, false, true}, // 65 s: alice's presence lapsed
			{10 * time.Second, false, true}, // bob seen 55 s ago
			{10 * time.Second, false, false},
		}
		for i, step := range steps {
			r.clock.Advance(step.advance)
			must(t, s.syncAgents(r.ctx, tr))
			if a, b := present(); a != step.alice || b != step.bob {
				t.Fatalf("step %d: index has alice present %v, bob %v; want %v, %v", i, a, b, step.alice, step.bob)
			}
		}
	})
}

// TestRefusedDecisionResyncsAgent: the index counts its decision at once;
// when the database refuses it (the chat was closed meanwhile) nothing in
// the agent's row changes, yet the next pass must give the index back the
// agent's true load.
func TestRefusedDecisionResyncsAgent(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 1})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			PresenceGrace: time.Hour})
		_, err := s.SetAgentStatus(r.ctx, r.agents["alice"], parley.StateReady, "")
		must(t, err)
		tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
		must(t, err)
		c := r.arriveOn(s, 0)
		must(t, s.catchUp(r.ctx, tr))
		must(t, st.CloseChat(r.ctx, c.ID, r.clock.Now())) // the leader has not read this yet
		must(t, s.routePass(r.ctx, tr))
		var a routing.Agent
		tr.lock(func() { a, _ = tr.x.Agent(r.agents["alice"].ID) })
		if a.Load != 0 || a.Offers != 0 {
			t.Fatalf("after the refused decision the index has alice at %d load + %d offers, want 0", a.Load, a.Offers)
		}
		if _, ok := tr.x.Chat(c.ID); ok {
			t.Fatal("the closed chat is still queued in the index")
		}
	})
}
