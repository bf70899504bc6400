package conversation

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestSignOff: an agent who logs out (or goes Offline) leaves nothing
// behind. Her assigned chat goes back to the queue with its place, ahead
// of a newer one; a chat offered to her goes to someone else; her part in
// a colleague's conference ends.
func TestSignOff(t *testing.T) {
	for _, how := range []string{"sign off", "status offline"} {
		t.Run(how, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, parley.ServiceRouting{AutoAccept: true}, map[string]int{"alice": 2, "bob": 1})
				r.start()
				r.ready("alice")
				first := r.arrive(0)
				r.eventually("first to alice", func() bool { return r.chat(first.ID).AgentID == r.agents["alice"].ID })
				queuedAt := r.chat(first.ID).QueuedAt
				r.ready("bob")
				r.clock.Advance(time.Second)
				other := r.arrive(0)
				// bob is idle, alice is not: bob gets it and invites alice.
				bob := r.agents["bob"]
				r.eventually("other chat to bob", func() bool { return r.chat(other.ID).AgentID == bob.ID })
				must(t, r.node().Invite(r.ctx, bob, other.ID, r.agents["alice"].ID))
				// Both are full now; a newer chat waits behind the first.
				r.clock.Advance(time.Second)
				newer := r.arrive(0)

				alice := r.agents["alice"]
				if how == "sign off" {
					must(t, r.node().SignOff(r.ctx, alice))
				} else {
					_, err := r.node().SetAgentStatus(r.ctx, alice, parley.StateOffline, "")
					must(t, err)
				}

				u, err := st.User(r.ctx, alice.ID)
				must(t, err)
				if u.State != parley.StateOffline {
					t.Fatalf("alice is %s after signing off, want offline", u.State)
				}
				got := r.chat(first.ID)
				if got.State != parley.ChatQueued {
					t.Fatalf("first chat still with alice: %+v", got)
				}
				if !got.QueuedAt.Equal(queuedAt) {
					t.Fatalf("first chat's place = %v, want %v", got.QueuedAt, queuedAt)
				}
				cr, err := st.ChatRouting(r.ctx, other.ID)
				must(t, err)
				for _, p := range cr.Participants {
					if p == alice.ID {
						t.Fatal("alice is still in the conference")
					}
				}
				ar, err := st.AgentRouting(r.ctx, alice.ID)
				must(t, err)
				if ar.Load != 0 || ar.Offers != 0 {
					t.Fatalf("alice holds %d chats and %d offers after signing off", ar.Load, ar.Offers)
				}

				// When bob frees up, the first chat (older place) goes before the newer one.
				must(t, r.node().CloseByAgent(r.ctx, bob, other.ID))
				r.eventually("first chat to bob", func() bool { return r.chat(first.ID).AgentID == bob.ID })
				if c := r.chat(newer.ID); c.State != parley.ChatQueued {
					t.Fatalf("newer chat %s before the older one was served", c.State)
				}
			})
		})
	}
}
