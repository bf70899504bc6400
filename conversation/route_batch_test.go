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
