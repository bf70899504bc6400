package conversation

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestOfferRejectTimeoutAccept follows one chat through the offer rules:
// the longest idle agent is offered it; a reject sends it to the next
// agent; a timeout makes that agent Not Ready ("no answer") and the chat
// goes back to the first, who accepts.
func TestOfferRejectTimeoutAccept(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{OfferTimeout: 30 * time.Second}, map[string]int{"alice": 2, "bob": 2})
		r.start()
		r.ready("alice")
		r.clock.Advance(time.Second)
		r.ready("bob")
		c := r.arrive(0)
		r.eventually("offer to alice (idle longest)", func() bool { return r.offerOf(c.ID) == r.agents["alice"].ID })

		must(t, r.node().RejectOffer(r.ctx, r.agents["alice"], c.ID))
		r.eventually("offer to bob after the reject", func() bool { return r.offerOf(c.ID) == r.agents["bob"].ID })
		if got := r.chat(c.ID); got.State != parley.ChatQueued || !got.QueuedAt.Equal(c.QueuedAt) && !c.QueuedAt.IsZero() {
			t.Fatalf("chat after reject = %s queued %v", got.State, got.QueuedAt)
		}

		r.clock.Advance(31 * time.Second)
		r.eventually("bob Not Ready (no answer)", func() bool {
			u, _ := st.User(r.ctx, r.agents["bob"].ID)
			ar, _ := st.AgentRouting(r.ctx, r.agents["bob"].ID)
			return u.State == parley.StateNotReady && ar.Reason == parley.ReasonNoAnswer
		})
		r.eventually("offer back to alice", func() bool { return r.offerOf(c.ID) == r.agents["alice"].ID })
		if _, err := r.node().AcceptOffer(r.ctx, r.agents["bob"], c.ID); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("bob accepting alice's offer: %v, want conflict", err)
		}
		if _, err := r.node().AcceptOffer(r.ctx, r.agents["alice"], c.ID); err != nil {
			t.Fatal(err)
		}
		if got := r.chat(c.ID); got.State != parley.ChatAssigned || got.AgentID != r.agents["alice"].ID {
			t.Fatalf("chat = %s/%s, want assigned to alice", got.State, got.AgentID)
		}
		cr, err := st.ChatRouting(r.ctx, c.ID)
		must(t, err)
		if cr.Decision == "" {
			t.Fatal("no decision recorded")
		}
	})
}

// TestBurstRespectsCapacityAndOrder: many chats at the same instant never
// push an agent over capacity, and the oldest (then highest priority)
// chats are served first; freed capacity goes to the head of the line.
func TestBurstRespectsCapacityAndOrder(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{AutoAccept: true}, map[string]int{"alice": 3, "bob": 2})
		r.start()
		var chats []*parley.Chat
		for i := range 12 {
			chats = append(chats, r.arrive(i%2)) // odd ones have priority 1
			r.clock.Advance(time.Second)
		}
		r.ready("alice")
		r.ready("bob")
		r.eventually("5 chats assigned", func() bool { return r.assigned() == 5 })
		time.Sleep(100 * time.Millisecond)
		if n := r.assigned(); n != 5 {
			t.Fatalf("%d assigned, want 5 (capacity 3+2)", n)
		}
		// Priority 1 chats (odd) go first, oldest first: 1, 3, 5, 7, 9.
		for _, i := range []int{1, 3, 5, 7, 9} {
			if got := r.chat(chats[i].ID); got.State != parley.ChatAssigned {
				t.Errorf("chat %d (priority 1) is %s, want assigned", i, got.State)
			}
		}
		// Bob closes one: the head of the line (chat 11, priority 1) gets it.
		for _, i := range []int{1, 3, 5, 7, 9} {
			if got := r.chat(chats[i].ID); got.AgentID == r.agents["bob"].ID {
				must(t, r.node().CloseByAgent(r.ctx, r.agents["bob"], got.ID))
				break
			}
		}
		r.eventually("chat 11 assigned", func() bool { return r.chat(chats[11].ID).State == parley.ChatAssigned })
		if got := r.chat(chats[0].ID); got.State != parley.ChatQueued {
			t.Fatalf("chat 0 (priority 0) is %s, want still queued", got.State)
		}
	})
}

func (r *rig) assigned() int {
	cs, err := r.st.Chats(r.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, States: []string{parley.ChatAssigned}})
	must(r.t, err)
	return len(cs)
}

// TestTransferConferenceAbandon covers a transfer to an agent (with its
// note in the transcript), a transfer to the service (place kept), a
// conference in which the guest writes, and a silent customer abandoned.
func TestTransferConferenceAbandon(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{AutoAccept: true, DropoutAfter: time.Minute}, map[string]int{"alice": 1, "bob": 2, "cleo": 1})
		r.start()
		r.ready("alice")
		c := r.arrive(0)
		r.eventually("assigned to alice", func() bool { return r.chat(c.ID).AgentID == r.agents["alice"].ID })
		queuedAt := r.chat(c.ID).QueuedAt

		r.ready("bob")
		must(t, r.node().Transfer(r.ctx, r.agents["alice"], c.ID, TransferRequest{AgentID: r.agents["bob"].ID, Note: "wants a refund"}))
		r.eventually("assigned to bob", func() bool {
			got := r.chat(c.ID)
			return got.State == parley.ChatAssigned && got.AgentID == r.agents["bob"].ID
		})
		msgs, err := st.Messages(r.ctx, c.ID, 0)
		must(t, err)
		if len(msgs) == 0 || msgs[len(msgs)-1].Kind != parley.KindEvent || !containsText(msgs, "Note: wants a refund") {
			t.Fatalf("transfer note not in the transcript: %+v", msgs)
		}

		// Conference: cleo joins and writes; she counts against her capacity.
		r.clock.Advance(time.Second) // alice (free since the transfer) has been idle longer than cleo
		r.ready("cleo")
		must(t, r.node().Invite(r.ctx, r.agents["bob"], c.ID, r.agents["cleo"].ID))
		if _, err := r.node().Reply(r.ctx, r.agents["cleo"], c.ID, "Hi, I'm Cleo from billing"); err != nil {
			t.Fatalf("guest reply: %v", err)
		}
		ar, err := st.AgentRouting(r.ctx, r.agents["cleo"].ID)
		must(t, err)
		if ar.Load != 1 {
			t.Fatalf("cleo's load = %d, want 1 (the conference)", ar.Load)
		}

		// Transfer to the service: back in line with its original place.
		must(t, r.node().Transfer(r.ctx, r.agents["bob"], c.ID, TransferRequest{ServiceID: r.service.ID}))
		got := r.chat(c.ID)
		if !got.QueuedAt.Equal(queuedAt) {
			t.Fatalf("re-queued chat's place = %v, want %v", got.QueuedAt, queuedAt)
		}
		cr, err := st.ChatRouting(r.ctx, c.ID)
		must(t, err)
		if len(cr.Participants) != 0 {
			t.Fatalf("conference survived the transfer: %v", cr.Participants)
		}
		r.eventually("routed again", func() bool { return r.chat(c.ID).State == parley.ChatAssigned })
		// Bob passed it on; alice (free since 09:00:00) has been idle longer
		// than cleo (09:00:01).
		if winner := r.chat(c.ID).AgentID; winner != r.agents["alice"].ID {
			t.Fatalf("re-queued chat went to %s, want alice (idle longest, bob passed it on)", r.nameOf(winner))
		}

		// A chat nobody can take, whose customer stays silent, is abandoned.
		for _, n := range []string{"alice", "bob", "cleo"} {
			_, err := r.node().SetAgentStatus(r.ctx, r.agents[n], parley.StateNotReady, "Break")
			must(t, err)
		}
		d := r.arrive(0)
		r.clock.Advance(61 * time.Second)
		r.eventually("abandoned", func() bool { return r.chat(d.ID).State == parley.ChatClosed })
		cr, err = st.ChatRouting(r.ctx, d.ID)
		must(t, err)
		if !cr.Abandoned {
			t.Fatal("not counted as abandoned")
		}
	})
}

func containsText(msgs []*parley.Message, sub string) bool {
	return slices.ContainsFunc(msgs, func(m *parley.Message) bool { return strings.Contains(m.Text, sub) })
}

// TestPresenceGrace: an agent whose desktop is gone past the grace period
// gets no offers, becomes Not Ready ("disconnected") and, with the service
// rule requeue, loses their chats to the queue with their place; they come
// back Ready when the desktop reconnects.
func TestPresenceGrace(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{AutoAccept: true, AbsentRule: parley.AbsentRequeue}, map[string]int{"alice": 1, "bob": 1})
		r.grace = DefaultPresenceGrace
		node := r.start()
		r.ready("alice")
		c := r.arrive(0)
		r.eventually("assigned to alice", func() bool { return r.chat(c.ID).State == parley.ChatAssigned })
		r.clock.Advance(DefaultPresenceGrace + time.Second) // alice's desktop said nothing since
		r.eventually("alice disconnected", func() bool {
			u, _ := st.User(r.ctx, r.agents["alice"].ID)
			return u.State == parley.StateNotReady
		})
		r.eventually("chat back in the queue", func() bool { return r.chat(c.ID).State == parley.ChatQueued })
		r.ready("bob")
		r.eventually("bob gets it", func() bool { return r.chat(c.ID).AgentID == r.agents["bob"].ID })
		must(t, node.Seen(r.ctx, r.agents["alice"]))
		r.eventually("alice Ready again", func() bool {
			u, _ := st.User(r.ctx, r.agents["alice"].ID)
			return u.State == parley.StateReady
		})
	})
}

// TestRestartKeepsQueueAndOffers stops the node mid-offer and starts a new
// one: the index is rebuilt from the database, the pending offer still
// times out and the queue order is unchanged.
func TestRestartKeepsQueueAndOffers(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{OfferTimeout: 20 * time.Second}, map[string]int{"alice": 1, "bob": 1})
		r.start()
		r.ready("alice")
		first := r.arrive(0)
		r.clock.Advance(time.Second)
		second := r.arrive(0)
		r.eventually("offer to alice", func() bool { return r.offerOf(first.ID) == r.agents["alice"].ID })
		r.stop(0)

		r.start()
		r.clock.Advance(21 * time.Second)
		r.eventually("offer timed out after the restart", func() bool { return r.offerOf(first.ID) == "" })
		r.ready("bob")
		r.eventually("first (older) chat offered to bob", func() bool { return r.offerOf(first.ID) == r.agents["bob"].ID })
		if o := r.offerOf(second.ID); o != "" {
			t.Fatalf("the newer chat was offered to %s", r.name(o))
		}
	})
}

// TestTwoNodes runs two nodes on one database with chats arriving on both
// at once: one leader routes, nobody exceeds capacity and every chat is
// assigned exactly once.
func TestTwoNodes(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{AutoAccept: true}, map[string]int{"alice": 3, "bob": 3, "cleo": 2})
		r.start()
		r.start()
		for _, n := range []string{"alice", "bob", "cleo"} {
			r.ready(n)
		}
		var wg sync.WaitGroup
		for _, node := range r.nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 6 {
					r.arriveOn(node, 0)
				}
			}()
		}
		wg.Wait()
		r.eventually("8 chats assigned", func() bool { return r.assigned() == 8 })
		time.Sleep(200 * time.Millisecond)
		if n := r.assigned(); n != 8 {
			t.Fatalf("%d assigned, want 8 (capacity 3+3+2)", n)
		}
		loads, err := st.AgentRoutings(r.ctx, parley.DefaultTenant)
		must(t, err)
		for n, u := range r.agents {
			if l := loads[u.ID].Load; l > u.Capacity {
				t.Fatalf("%s holds %d chats, capacity %d", n, l, u.Capacity)
			}
		}
		leaders := 0
		for _, n := range r.nodes {
			n.routing.mu.Lock()
			leaders += len(n.routing.tenants)
			n.routing.mu.Unlock()
		}
		if leaders != 1 {
			t.Fatalf("%d routing leaders, want 1", leaders)
		}
	})
}

// TestTransferTargetGoesAway: a chat transferred to a named agent who is
// busy waits for them; if they go Not Ready, or their desktop is gone past
// the presence grace, before it is offered to them, the chat falls back to
// the service's line with its place kept: it goes before a newer chat.
func TestTransferTargetGoesAway(t *testing.T) {
	for _, how := range []string{"not ready", "desktop gone"} {
		t.Run(how, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, parley.ServiceRouting{AutoAccept: true}, map[string]int{"alice": 1, "bob": 1, "cleo": 1})
				if how == "desktop gone" {
					r.grace = DefaultPresenceGrace
				}
				node := r.start()
				r.ready("bob")
				busy := r.arrive(0)
				r.eventually("bob busy", func() bool { return r.chat(busy.ID).AgentID == r.agents["bob"].ID })
				r.ready("alice")
				c := r.arrive(0)
				r.eventually("assigned to alice", func() bool { return r.chat(c.ID).AgentID == r.agents["alice"].ID })
				queuedAt := r.chat(c.ID).QueuedAt

				// Alice transfers to bob (Ready, but full) and takes a break.
				must(t, node.Transfer(r.ctx, r.agents["alice"], c.ID, TransferRequest{AgentID: r.agents["bob"].ID}))
				_, err := node.SetAgentStatus(r.ctx, r.agents["alice"], parley.StateNotReady, "Break")
				must(t, err)
				r.clock.Advance(time.Second)
				newer := r.arrive(0)
				time.Sleep(100 * time.Millisecond) // a few routing passes: nothing moves
				if cr, _ := st.ChatRouting(r.ctx, c.ID); cr.TargetAgent != r.agents["bob"].ID || r.chat(c.ID).State != parley.ChatQueued {
					t.Fatalf("transferred chat: target %q state %s, want waiting for bob", cr.TargetAgent, r.chat(c.ID).State)
				}

				switch how {
				case "not ready":
					_, err := node.SetAgentStatus(r.ctx, r.agents["bob"], parley.StateNotReady, "Lunch")
					must(t, err)
				case "desktop gone":
					r.clock.Advance(DefaultPresenceGrace + time.Second) // nobody's desktop said anything
				}
				r.eventually("target dropped", func() bool {
					cr, err := st.ChatRouting(r.ctx, c.ID)
					return err == nil && cr.TargetAgent == ""
				})
				if got := r.chat(c.ID); got.State != parley.ChatQueued || !got.QueuedAt.Equal(queuedAt) {
					t.Fatalf("fallen-back chat: %s queued at %v, want queued at %v (place kept)", got.State, got.QueuedAt, queuedAt)
				}
				r.eventually("the note in the transcript", func() bool {
					msgs, err := st.Messages(r.ctx, c.ID, 0)
					return err == nil && containsText(msgs, "bob is not available")
				})

				// Cleo (capacity 1) comes: she gets the older chat, not the newer one.
				r.ready("cleo")
				r.eventually("cleo gets the transferred chat", func() bool { return r.chat(c.ID).AgentID == r.agents["cleo"].ID })
				if got := r.chat(newer.ID); got.State != parley.ChatQueued {
					t.Fatalf("newer chat is %s with %s, want still queued", got.State, r.nameOf(got.AgentID))
				}
			})
		})
	}
}
