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

// TestSubscribeKeeping: a subscriber that keeps only some live events is
// handed exactly those, in order, however many others pass by, and one
// that keeps all still gets every event.
func TestSubscribeKeeping(t *testing.T) {
	log := newMemLog()
	h := &feed.Hub{Events: log, Bus: log.bus, Ring: 16, Buffer: 8, Poll: 20 * time.Millisecond}
	defer h.Close()
	mine, err := h.SubscribeKeeping(ctx, "t1", 0, func(e *parley.Event) bool { return e.AgentID == "alice" })
	must(t, err)
	defer mine.Close()
	all, err := h.Subscribe(ctx, "t1", 0)
	must(t, err)
	defer all.Close()
	waitFor(t, "both subscribers live", func() bool {
		_, _ = mine.Next(ctx)
		_, _ = all.Next(ctx)
		return mine.Live() && all.Live()
	})

	// More of the others' events than the buffer holds between two of
	// alice's: passed over, they must neither overflow it nor reach her.
	var want []int64
	var last int64
	for round := range 5 {
		for range 10 {
			last = log.appendFor("t1", "bob")
		}
		last = log.appendFor("t1", "alice")
		want = append(want, last)
		if round == 2 {
			last = log.appendFor("t1", "")
		}
	}
	must(t, readUntil(t, all, 0, last, 0))

	var got []int64
	deadline := time.After(10 * time.Second)
	for len(got) < len(want) {
		evs, err := mine.Next(ctx)
		must(t, err)
		for _, e := range evs {
			got = append(got, e.ID)
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-mine.Wake():
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("alice's subscriber got %v, want %v", got, want)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("alice's subscriber got %v, want %v (her events only)", got, want)
	}
	if !mine.Live() {
		t.Error("passing events over sent the subscriber back to the store")
	}
}
