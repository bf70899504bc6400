package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestChangedAgents: every write that changes an agent's routing row
// (state, presence, skills, services, offers, load as owner or guest,
// deletion) makes ChangedAgents after an earlier mark return that agent,
// and nobody else's write does.
func TestChangedAgents(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		readyAgent(t, s, "t2", "carol") // another tenant
		c := queuedChat(t, s, "t1", svc.ID, 0, at(1))
		other := queuedChat(t, s, "t1", svc.ID, 0, at(1))

		steps := []struct {
			name  string
			write func() error
			want  []string
		}{
			{"nothing", func() error { return nil }, nil},
			{"state", func() error { return setState(s, alice.ID, parley.StateNotReady, at(2)) }, []string{alice.ID}},
			{"back to ready", func() error { return setState(s, alice.ID, parley.StateReady, at(3)) }, []string{alice.ID}},
			{"presence", func() error { return s.TouchPresence(ctx, bob.ID, at(3)) }, []string{bob.ID}},
			{"skills", func() error { return s.SetAgentSkills(ctx, bob.ID, map[string]int{"fr": 50}) }, []string{bob.ID}},
			{"services", func() error {
				u := *bob
				u.PasswordHash, u.ServiceIDs = "", []string{svc.ID}
				return s.UpsertUser(ctx, &u)
			}, []string{bob.ID}},
			{"offer", func() error {
				return s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: alice.ID, OfferedAt: at(4)}, 3, false)
			}, []string{alice.ID}},
			{"accept", func() error { return s.AcceptOffer(ctx, c.ID, alice.ID, at(5)) }, []string{alice.ID}},
			{"guest joins", func() error { return s.AddParticipant(ctx, c.ID, bob.ID, 3, at(6)) }, []string{bob.ID}},
			{"close: owner and guest", func() error { return s.CloseChat(ctx, c.ID, at(7)) }, []string{alice.ID, bob.ID}},
			{"queued chat closed", func() error { return s.CloseChat(ctx, other.ID, at(8)) }, nil},
			{"deleted", func() error { return s.DeleteUser(ctx, bob.ID) }, []string{bob.ID}},
		}
		for _, st := range steps {
			mark := quietMark(t, s, "t1")
			must(t, st.write())
			ch, err := s.ChangedAgents(ctx, "t1", mark)
			must(t, err)
			got := slices.Sorted(slices.Values(ch.IDs))
			want := slices.Sorted(slices.Values(st.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s: changed %v, want %v", st.name, got, want)
			}
			for _, u := range ch.Users {
				if ch.Routings[u.ID] == nil {
					t.Errorf("%s: no routing record for %s", st.name, u.Username)
				}
			}
		}
		// Bob was deleted: his id comes without a user; alice's with hers.
		ch, err := s.ChangedAgents(ctx, "t1", 0)
		must(t, err)
		if len(ch.Users) != 1 || ch.Users[0].ID != alice.ID || ch.Routings[alice.ID].Load != 0 || len(ch.IDs) != 2 {
			t.Fatalf("changes since 0 = %+v", ch)
		}
		mark := quietMark(t, s, "t1")
		must(t, s.PruneAgentChanges(ctx, "t1", mark))
		if ch, err := s.ChangedAgents(ctx, "t1", 0); err != nil || len(ch.IDs) != 0 {
			t.Fatalf("after pruning: %+v, %v", ch, err)
		}
		if ch, err := s.ChangedAgents(ctx, "t2", 0); err != nil || len(ch.IDs) != 1 {
			t.Fatalf("the other tenant after pruning t1: %+v, %v", ch, err)
		}
	})
}

// quietMark is a change mark past every change already written to the
// tenant, so that what ChangedAgents returns after it is exactly what
// came later. On PostgreSQL the mark is the oldest transaction running
// anywhere on the server (other tests' databases included), so it can
// lag behind earlier writes: wait until it has passed them.
func quietMark(t *testing.T, s *sqlstore.Store, tenant string) int64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mark, err := s.AgentChangeMark(ctx)
		must(t, err)
		ch, err := s.ChangedAgents(ctx, tenant, mark)
		must(t, err)
		if len(ch.IDs) == 0 {
			return mark
		}
		if time.Now().After(deadline) {
			t.Fatalf("the change mark stayed behind earlier writes: %v", ch.IDs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
