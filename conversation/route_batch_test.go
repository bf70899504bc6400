package conversation

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestRoutePassBatch: a pass commits its decisions together; a decision
// the database refuses (its chat was abandoned behind the index's back)
// leaves the others, and a chat another goroutine is working on is
// offered once that work is done, without holding up the rest.
func TestRoutePassBatch(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{OfferTimeout: time.Minute}, map[string]int{"alice": 3, "bob": 3})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		for _, u := range r.agents {
			_, err := s.SetAgentStatus(r.ctx, u, parley.StateReady, "")
			must(t, err)
		}
		var chats []*parley.Chat
		for range 6 {
			chats = append(chats, r.arriveOn(s, 0))
			r.clock.Advance(time.Second)
		}
		tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
		must(t, err)
		abandoned, busy := chats[1], chats[2]
		must(t, st.AbandonChat(r.ctx, abandoned.ID, r.clock.Now()))
		unlock, err := s.lockChat(r.ctx, busy.ID)
		must(t, err)

		done := make(chan error, 1)
		go func() { done <- s.routePass(r.ctx, tr) }()
		r.eventually("the free chats offered", func() bool {
			for _, c := range chats {
				if c != abandoned && c != busy && r.offerOf(c.ID) == "" {
					return false
				}
			}
			return true
		})
		select {
		case err := <-done:
			t.Fatalf("the pass ended (%v) while a chat it routes was held", err)
		default:
		}
		if r.offerOf(busy.ID) != "" {
			t.Fatal("the held chat was offered while held")
		}
		unlock()
		must(t, <-done)
		if r.offerOf(busy.ID) == "" {
			t.Fatal("the held chat was not offered after its work was done")
		}
		if got := r.chat(abandoned.ID); got.State != parley.ChatClosed || r.offerOf(abandoned.ID) != "" {
			t.Fatalf("abandoned chat = %s, offered to %q", got.State, r.offerOf(abandoned.ID))
		}
		var waiting int
		tr.lock(func() { waiting = tr.x.Waiting(r.service.ID) })
		if waiting != 0 {
			t.Fatalf("%d chats still waiting in the index", waiting)
		}

		// One offer event per offered chat, each naming its agent.
		es, err := st.EventsAfter(r.ctx, parley.DefaultTenant, 0, 1000)
		must(t, err)
		offered := map[string]int{}
		for _, e := range es {
			if e.Type == parley.EventOfferCreated {
				offered[e.ChatID]++
				if e.AgentID != r.offerOf(e.ChatID) {
					t.Fatalf("offer event of %s names %s, the offer is %s's", e.ChatID, e.AgentID, r.offerOf(e.ChatID))
				}
			}
		}
		if len(offered) != 5 {
			t.Fatalf("offer events for %d chats, want 5: %v", len(offered), offered)
		}
		for id, n := range offered {
			if n != 1 {
				t.Fatalf("chat %s: %d offer events", id, n)
			}
		}
	})
}

// TestChatHolds: a batch holds its chats in this process and in the run
// leases (PostgreSQL) until it lets go of each; a chat already held
// elsewhere is left out as busy.
func TestChatHolds(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 1})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		var ds []routing.Decision
		for _, id := range []string{"c1", "c2", "c3", "c4"} {
			ds = append(ds, routing.Decision{ChatID: id})
		}
		unlockC3, err := s.lockChat(r.ctx, "c3") // work under way in this process
		must(t, err)
		pg := st.Dialect() != "sqlite"
		if pg {
			ok, err := st.ClaimChatRun(r.ctx, "c4", "another-node", time.Minute)
			if err != nil || !ok {
				t.Fatalf("another node claims c4: %v %v", ok, err)
			}
		}
		held, busy, holds := s.holdChats(r.ctx, ds)
		ids := func(ds []routing.Decision) (out []string) {
			for _, d := range ds {
				out = append(out, d.ChatID)
			}
			return out
		}
		wantHeld, wantBusy := []string{"c1", "c2", "c4"}, []string{"c3"}
		if pg {
			wantHeld, wantBusy = []string{"c1", "c2"}, []string{"c3", "c4"}
		}
		if got := ids(held); !slices.Equal(got, wantHeld) {
			t.Fatalf("held %v, want %v", got, wantHeld)
		}
		if got := ids(busy); !slices.Equal(got, wantBusy) {
			t.Fatalf("busy %v, want %v", got, wantBusy)
		}
		heldHere := func(id string) bool {
			unlock, ok := s.chatLocks.tryLock(id)
			if ok {
				unlock()
			}
			return !ok
		}
		leased := func(id string) bool {
			ok, err := st.ClaimChatRun(r.ctx, id, "probe", time.Minute)
			must(t, err)
			if ok {
				must(t, st.ReleaseChatRun(r.ctx, id, "probe"))
			}
			return pg && !ok
		}
		if !heldHere("c1") || !heldHere("c2") || leased("c1") != pg {
			t.Fatal("the held chats are not held")
		}
		holds.release(r.ctx, "c1")
		if heldHere("c1") || leased("c1") || !heldHere("c2") || leased("c2") != pg {
			t.Fatal("letting go of c1 did not let go of it alone")
		}
		holds.releaseAll(r.ctx)
		if heldHere("c2") || leased("c2") {
			t.Fatal("c2 still held after releaseAll")
		}
		if !heldHere("c3") {
			t.Fatal("the batch let go of a chat it never held")
		}
		unlockC3()
	})
}
