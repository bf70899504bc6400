package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestOfferContract: a chat is offered to one agent at a time, offers count
// against capacity, only the holder accepts, a decline is remembered.
func TestOfferContract(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		c1 := queuedChat(t, s, "t1", svc.ID, 0, at(1))
		c2 := queuedChat(t, s, "t1", svc.ID, 0, at(2))

		offer := func(c *parley.Chat, a *parley.User, capacity int, accept bool) error {
			return s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: a.ID, ServiceID: svc.ID,
				OfferedAt: at(3), ExpiresAt: at(33), Decision: `{"reason":"test"}`}, capacity, accept)
		}
		tests := []struct {
			name string
			err  error
			want string
		}{
			{"first offer", offer(c1, alice, 1, false), ""},
			{"second offer of the same chat", offer(c1, bob, 5, false), parley.ECONFLICT},
			{"offer counts against capacity", offer(c2, alice, 1, false), parley.ECONFLICT},
			{"someone else accepts", s.AcceptOffer(ctx, c1.ID, bob.ID, at(4)), parley.ECONFLICT},
			{"bob declines nothing", s.EndOffer(ctx, c1.ID, bob.ID, true), parley.ECONFLICT},
			{"alice rejects", s.EndOffer(ctx, c1.ID, alice.ID, true), ""},
			{"offer to bob", offer(c1, bob, 1, false), ""},
			{"bob accepts", s.AcceptOffer(ctx, c1.ID, bob.ID, at(5)), ""},
			{"bob is full", offer(c2, bob, 1, true), parley.ECONFLICT},
			{"auto-accept to alice", offer(c2, alice, 1, true), ""},
		}
		for _, tt := range tests {
			if parley.ErrorCode(tt.err) != tt.want && !(tt.want == "" && tt.err == nil) {
				t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
			}
		}
		got, err := s.Chat(ctx, c1.ID)
		must(t, err)
		if got.State != parley.ChatAssigned || got.AgentID != bob.ID || !got.QueuedAt.Equal(at(1)) {
			t.Fatalf("c1 = %s/%s queued %v", got.State, got.AgentID, got.QueuedAt)
		}
		cr, err := s.ChatRouting(ctx, c1.ID)
		must(t, err)
		if len(cr.Declined) != 0 || cr.Decision == "" {
			t.Fatalf("routing record after assignment = %+v", cr)
		}
		ars, err := s.AgentRoutings(ctx, "t1")
		must(t, err)
		if ars[alice.ID].Load != 1 || ars[bob.ID].Load != 1 || ars[alice.ID].Offers != 0 {
			t.Fatalf("loads = alice %+v, bob %+v", ars[alice.ID], ars[bob.ID])
		}
	})
}

// TestOfferRace: many concurrent offers of many chats to one agent never
// exceed capacity, and each chat is offered once.
func TestOfferRace(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		agents := []*parley.User{readyAgent(t, s, "t1", "a"), readyAgent(t, s, "t1", "b")}
		var chats []*parley.Chat
		for i := range 6 {
			chats = append(chats, queuedChat(t, s, "t1", svc.ID, 0, at(i)))
		}
		var wg sync.WaitGroup
		for _, c := range chats {
			for _, a := range agents {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: a.ID, OfferedAt: at(10)}, 2, false)
					if err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		per := offersPerAgent(t, s, "t1")
		offers, err := s.Offers(ctx, "t1")
		must(t, err)
		if len(offers) != 4 || per[agents[0].ID] != 2 || per[agents[1].ID] != 2 {
			t.Fatalf("offers per agent = %v (%d in all), want 2 each", per, len(offers))
		}
	})
}

// offersPerAgent counts the tenant's offers by agent; a chat offered twice
// fails the test.
func offersPerAgent(t *testing.T, s *sqlstore.Store, tenant string) map[string]int {
	t.Helper()
	offers, err := s.Offers(ctx, tenant)
	must(t, err)
	per := map[string]int{}
	seen := map[string]bool{}
	for _, o := range offers {
		per[o.AgentID]++
		if seen[o.ChatID] {
			t.Fatalf("chat %s offered twice", o.ChatID)
		}
		seen[o.ChatID] = true
	}
	return per
}

// TestTransferConferenceAbandonContract checks the other routing writes.
func TestTransferConferenceAbandonContract(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		other := &parley.Service{TenantID: "t1", Name: "billing"}
		must(t, s.UpsertService(ctx, svc))
		must(t, s.UpsertService(ctx, other))
		must(t, s.SetServiceRouting(ctx, other.ID, parley.ServiceRouting{Strategy: parley.StrategyMostSkilled, Skills: map[string]int{"billing": 50}, OfferTimeout: time.Minute}))
		if err := s.SetServiceRouting(ctx, svc.ID, parley.ServiceRouting{Strategy: "random"}); parley.ErrorCode(err) != parley.EINVALID {
			t.Fatalf("bad strategy: %v", err)
		}
		rs, err := s.ServiceRoutings(ctx, "t1")
		must(t, err)
		if rs[other.ID].Skills["billing"] != 50 || rs[other.ID].OfferTimeout != time.Minute {
			t.Fatalf("settings = %+v", rs)
		}
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		must(t, s.SetAgentSkills(ctx, bob.ID, map[string]int{"billing": 80}))
		c := queuedChat(t, s, "t1", svc.ID, 2, at(1))
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: alice.ID, OfferedAt: at(2)}, 3, true))

		must(t, s.AddParticipant(ctx, c.ID, bob.ID, 3, at(3)))
		if err := s.AddParticipant(ctx, c.ID, bob.ID, 3, at(3)); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("second join: %v", err)
		}
		ids, err := s.ConferenceChats(ctx, bob.ID)
		must(t, err)
		if len(ids) != 1 {
			t.Fatalf("bob's conferences = %v", ids)
		}
		ar, err := s.AgentRouting(ctx, bob.ID)
		must(t, err)
		if ar.Load != 1 || ar.Skills["billing"] != 80 {
			t.Fatalf("bob = %+v", ar)
		}

		must(t, s.TransferChat(ctx, c.ID, other.ID, bob.ID, "VIP", at(4)))
		got, err := s.Chat(ctx, c.ID)
		must(t, err)
		cr, err := s.ChatRouting(ctx, c.ID)
		must(t, err)
		if got.State != parley.ChatQueued || got.ServiceID != other.ID || !got.QueuedAt.Equal(at(1)) || got.Priority != 2 ||
			cr.TargetAgent != bob.ID || cr.Note != "VIP" || len(cr.Participants) != 0 || len(cr.Declined) != 1 {
			t.Fatalf("after transfer: chat %+v, routing %+v", got, cr)
		}
		q, err := s.QueueStats(ctx, "t1", other.ID, c.ID, time.Minute, at(5))
		must(t, err)
		if q.Length != 1 || q.Position != 1 || q.AgentsLoggedIn != 0 {
			t.Fatalf("queue stats = %+v", q)
		}
		must(t, s.SetChatPriority(ctx, c.ID, 9))
		must(t, s.AbandonChat(ctx, c.ID, at(6)))
		if err := s.AbandonChat(ctx, c.ID, at(6)); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("abandon twice: %v", err)
		}
		cr, err = s.ChatRouting(ctx, c.ID)
		must(t, err)
		if !cr.Abandoned {
			t.Fatal("not abandoned")
		}
	})
}

// TestPresenceAndStatus: states with reasons, wrap-up and last seen.
func TestPresenceAndStatus(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		a := newAgent(t, s, "t1", "alice", svc.ID)
		must(t, s.SetAgentStatus(ctx, a.ID, parley.StateNotReady, "Lunch", time.Time{}, at(1)))
		must(t, s.TouchPresence(ctx, a.ID, at(2)))
		ar, err := s.AgentRouting(ctx, a.ID)
		must(t, err)
		if ar.Reason != "Lunch" || !ar.LastSeen.Equal(at(2)) {
			t.Fatalf("agent = %+v", ar)
		}
		must(t, s.SetAgentStatus(ctx, a.ID, parley.StateACW, "", at(60), at(3)))
		u, err := s.User(ctx, a.ID)
		must(t, err)
		ar, err = s.AgentRouting(ctx, a.ID)
		must(t, err)
		if u.State != parley.StateACW || !ar.ACWUntil.Equal(at(60)) || ar.Reason != "" {
			t.Fatalf("wrap-up: %s %+v", u.State, ar)
		}
		must(t, s.SetAgentStatus(ctx, a.ID, parley.StateReady, "", time.Time{}, at(4)))
		q, err := s.QueueStats(ctx, "t1", svc.ID, "", 10*time.Second, at(5))
		must(t, err)
		if q.AgentsLoggedIn != 1 || q.AgentsReady != 1 {
			t.Fatalf("stats = %+v", q)
		}
		q, err = s.QueueStats(ctx, "t1", svc.ID, "", 10*time.Second, at(30))
		must(t, err)
		if q.AgentsReady != 0 {
			t.Fatalf("an agent unseen past the grace counts as ready: %+v", q)
		}
	})
}

// TestLeadership: one holder per key at a time; released, it can be taken.
func TestLeadership(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ok, _, release, err := s.Leadership(ctx, "routing:t1")
		must(t, err)
		if !ok {
			t.Fatal("first leadership refused")
		}
		if ok2, _, _, err := s.Leadership(ctx, "routing:t1"); err != nil || ok2 {
			t.Fatalf("second leader: %v %v", ok2, err)
		}
		if ok3, _, rel3, err := s.Leadership(ctx, "routing:t2"); err != nil || !ok3 {
			t.Fatalf("other tenant: %v %v", ok3, err)
		} else {
			rel3()
		}
		release()
		ok, _, release, err = s.Leadership(ctx, "routing:t1")
		must(t, err)
		if !ok {
			t.Fatal("leadership not free after release")
		}
		release()
	})
}
