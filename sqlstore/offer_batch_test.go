package sqlstore_test

import (
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestOfferChats: a batch of offers is decided one by one on OfferChat's
// conditions, the batch's own earlier offers included, and only those
// that hold are written.
func TestOfferChats(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		carol := newAgent(t, s, "t1", "carol") // not Ready
		var chats []*parley.Chat
		for i := range 6 {
			chats = append(chats, queuedChat(t, s, "t1", svc.ID, 0, at(i)))
		}
		must(t, assign(s, chats[4].ID, bob.ID, 5, at(7))) // no longer queued

		req := func(c *parley.Chat, a *parley.User, capacity int, accept bool) parley.OfferRequest {
			return parley.OfferRequest{Offer: &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: a.ID, ServiceID: svc.ID,
				OfferedAt: at(10), ExpiresAt: at(40), Decision: `{"reason":"` + c.ID + `"}`}, Capacity: capacity, Accept: accept}
		}
		tests := []struct {
			name string
			req  parley.OfferRequest
			want string // error code; "" for an offer made
		}{
			{"first offer to alice", req(chats[0], alice, 2, false), ""},
			{"second offer to alice", req(chats[1], alice, 2, false), ""},
			{"the batch's offers count against capacity", req(chats[2], alice, 2, false), parley.ECONFLICT},
			{"a chat offered earlier in the batch", req(chats[0], bob, 5, false), parley.ECONFLICT},
			{"assigned at once to bob", req(chats[3], bob, 5, true), ""},
			{"a chat no longer queued", req(chats[4], alice, 5, false), parley.ECONFLICT},
			{"an agent not Ready", req(chats[5], carol, 5, false), parley.ECONFLICT},
		}
		var reqs []parley.OfferRequest
		for _, tt := range tests {
			reqs = append(reqs, tt.req)
		}
		errs, err := s.OfferChats(ctx, reqs)
		must(t, err)
		for i, tt := range tests {
			if got := parley.ErrorCode(errs[i]); got != tt.want || (tt.want == "" && errs[i] != nil) {
				t.Errorf("%s: err = %v, want %q", tt.name, errs[i], tt.want)
			}
		}

		offers, err := s.Offers(ctx, "t1")
		must(t, err)
		got := map[string]string{}
		for _, o := range offers {
			got[o.ChatID] = o.AgentID
		}
		if len(got) != 2 || got[chats[0].ID] != alice.ID || got[chats[1].ID] != alice.ID {
			t.Fatalf("offers = %v, want chats 0 and 1 to alice", got)
		}
		if c := chatState(t, s, chats[3].ID); c.State != parley.ChatAssigned || c.AgentID != bob.ID || !c.AssignedAt.Equal(at(10)) {
			t.Fatalf("chat 3 = %s/%s at %v, want assigned to bob at 10", c.State, c.AgentID, c.AssignedAt)
		}
		for _, i := range []int{2, 5} {
			if c := chatState(t, s, chats[i].ID); c.State != parley.ChatQueued {
				t.Fatalf("chat %d = %s, want still queued", i, c.State)
			}
			if cr, err := s.ChatRouting(ctx, chats[i].ID); err == nil && cr.Decision != "" {
				t.Fatalf("refused chat %d has a decision %q", i, cr.Decision)
			}
		}
		cr, err := s.ChatRouting(ctx, chats[0].ID)
		must(t, err)
		if cr.Decision != `{"reason":"`+chats[0].ID+`"}` {
			t.Fatalf("chat 0's decision = %q", cr.Decision)
		}
		facts, err := s.ChatFacts(ctx, "t1", chats[3].ID)
		must(t, err)
		kinds := map[string]int{}
		for _, f := range facts {
			kinds[f.Kind]++
		}
		if kinds[parley.FactOffered] != 1 || kinds[parley.FactAccepted] != 1 {
			t.Fatalf("chat 3's facts = %v, want one offered and one accepted", kinds)
		}
		ars, err := s.AgentRoutings(ctx, "t1")
		must(t, err)
		if ars[alice.ID].Offers != 2 || ars[bob.ID].Load != 2 {
			t.Fatalf("alice %+v, bob %+v: want 2 offers and 2 chats", ars[alice.ID], ars[bob.ID])
		}

		// A chat that is not there fails the whole batch, which writes nothing.
		before, err := s.Offers(ctx, "t1")
		must(t, err)
		_, err = s.OfferChats(ctx, []parley.OfferRequest{req(chats[2], bob, 5, false),
			{Offer: &parley.Offer{ChatID: "no-such-chat", TenantID: "t1", AgentID: bob.ID, OfferedAt: at(11)}, Capacity: 5}})
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("batch with a missing chat: err = %v, want %s", err, parley.ENOTFOUND)
		}
		after, err := s.Offers(ctx, "t1")
		must(t, err)
		if len(after) != len(before) {
			t.Fatalf("a failed batch wrote offers: %d before, %d after", len(before), len(after))
		}
	})
}

// TestOfferChatsRace: batches and single offers racing over the same chats
// and agents never exceed capacity nor offer a chat twice.
func TestOfferChatsRace(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		agents := []*parley.User{readyAgent(t, s, "t1", "a"), readyAgent(t, s, "t1", "b")}
		var chats []*parley.Chat
		for i := range 8 {
			chats = append(chats, queuedChat(t, s, "t1", svc.ID, 0, at(i)))
		}
		offer := func(c *parley.Chat, a *parley.User) parley.OfferRequest {
			return parley.OfferRequest{Offer: &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: a.ID, OfferedAt: at(10)}, Capacity: 3}
		}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				var batch []parley.OfferRequest
				for i, c := range chats {
					batch = append(batch, offer(c, agents[(i+w)%2]))
				}
				if _, err := s.OfferChats(ctx, batch); err != nil {
					t.Error(err)
				}
			})
			wg.Go(func() {
				for i, c := range chats {
					err := s.OfferChat(ctx, offer(c, agents[(i+w+1)%2]).Offer, 3, false)
					if err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		per := offersPerAgent(t, s, "t1")
		if per[agents[0].ID] != 3 || per[agents[1].ID] != 3 {
			t.Fatalf("offers per agent = %v, want 3 each", per)
		}
	})
}
