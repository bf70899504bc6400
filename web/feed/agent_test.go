package feed_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/web/feed"
)

// appendFor appends an event of the tenant that concerns agent.
func (l *memLog) appendFor(tenant, agent string) int64 {
	l.mu.Lock()
	id := int64(len(l.evs[tenant]) + 1)
	l.evs[tenant] = append(l.evs[tenant], &parley.Event{ID: id, TenantID: tenant, Type: "t", AgentID: agent})
	l.mu.Unlock()
	_ = l.bus.Publish(context.Background(), tenant, id)
	return id
}

// TestSubscribeAgent: an agent's subscriber is handed exactly the agent's
// events, in order and once, however many others pass by; so is each of
// the agent's browsers, after another one closed, and after one fell
// behind and read the store (whose events come unfiltered: the reader
// filters, as web's stream does). A subscriber of every event gets all.
func TestSubscribeAgent(t *testing.T) {
	cases := []struct {
		name string
		// burst is how many of alice's events come at once while her
		// second browser does not read: past the buffer (8), it falls
		// behind and reads the store.
		burst int
	}{
		{"within the buffer", 3},
		{"past the buffer", 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := newMemLog()
			h := &feed.Hub{Events: log, Bus: log.bus, Ring: 16, Buffer: 8, Poll: 20 * time.Millisecond}
			defer h.Close()
			sub := func(agent string) *feed.Sub {
				s, err := h.SubscribeAgent(ctx, "t1", 0, agent)
				must(t, err)
				t.Cleanup(s.Close)
				return s
			}
			alice1, alice2, carol, all := sub("alice"), sub("alice"), sub("carol"), sub("")
			waitFor(t, "every subscriber live", func() bool {
				for _, s := range []*feed.Sub{alice1, alice2, carol, all} {
					_, _ = s.Next(ctx)
				}
				return alice1.Live() && alice2.Live() && carol.Live() && all.Live()
			})
			select { // a wake-up left from joining
			case <-carol.Wake():
			default:
			}

			// More of the others' events than the buffer holds between
			// two of alice's: passed over, they must neither overflow her
			// queue nor reach her.
			var want []int64
			var last int64
			for round := range 4 {
				for range 10 {
					last = log.appendFor("t1", "bob")
				}
				last = log.appendFor("t1", "alice")
				want = append(want, last)
				if round == 1 {
					last = log.appendFor("t1", "")
				}
			}
			must(t, readUntil(t, all, 0, last, 0))
			got1 := agentEvents(t, alice1, "alice", len(want))
			if !slices.Equal(got1, want) {
				t.Errorf("alice's first browser got %v, want %v (her events only)", got1, want)
			}
			if !alice1.Live() {
				t.Error("passing events over sent the subscriber back to the store")
			}

			// Her first browser closes; a burst of her events reaches the
			// second, which has not read since the start.
			alice1.Close()
			for range tc.burst {
				last = log.appendFor("t1", "alice")
				want = append(want, last)
			}
			must(t, readUntil(t, all, last-int64(tc.burst), last, 0))
			got2 := agentEvents(t, alice2, "alice", len(want))
			if !slices.Equal(got2, want) {
				t.Errorf("alice's second browser got %v, want %v", got2, want)
			}
			waitFor(t, "alice's second browser live again", func() bool {
				_, _ = alice2.Next(ctx)
				return alice2.Live()
			})
			if evs, err := carol.Next(ctx); err != nil || len(evs) > 0 {
				t.Errorf("carol, who has no events, got %d events (err %v)", len(evs), err)
			}
			select {
			case <-carol.Wake():
				t.Error("others' events woke carol's subscriber")
			default:
			}
		})
	}
}

// agentEvents reads s until it has handed out n of agent's events and
// returns their ids, skipping others' events (which only a subscriber
// reading the store is given).
func agentEvents(t *testing.T, s *feed.Sub, agent string, n int) []int64 {
	t.Helper()
	var got []int64
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		evs, err := s.Next(ctx)
		must(t, err)
		for _, e := range evs {
			if e.AgentID == agent {
				got = append(got, e.ID)
			}
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-s.Wake():
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%s's subscriber got %v, want %d events", agent, got, n)
		}
	}
	return got
}
