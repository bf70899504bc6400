package conversation

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
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
