package feed_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/web/feed"
)

// memLog is an event log in memory with dense ids per tenant; it counts
// reads.
type memLog struct {
	mu    sync.Mutex
	evs   map[string][]*parley.Event
	reads atomic.Int64
	bus   *inmem.Bus
}

func newMemLog() *memLog { return &memLog{evs: map[string][]*parley.Event{}, bus: inmem.New()} }

func (l *memLog) append(tenant string) int64 {
	l.mu.Lock()
	id := int64(len(l.evs[tenant]) + 1)
	l.evs[tenant] = append(l.evs[tenant], &parley.Event{ID: id, TenantID: tenant, Type: "t"})
	l.mu.Unlock()
	_ = l.bus.Publish(context.Background(), tenant, id)
	return id
}

func (l *memLog) EventsAfter(_ context.Context, tenant string, after int64, limit int) ([]*parley.Event, error) {
	l.reads.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	all := l.evs[tenant]
	if after >= int64(len(all)) {
		return nil, nil
	}
	out := all[after:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]*parley.Event(nil), out...), nil
}

func (l *memLog) LastEventID(_ context.Context, tenant string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.evs[tenant])), nil
}

var ctx = context.Background()

// readUntil reads s until it has handed out id upto, checking that every
// id after from comes exactly once and in order.
func readUntil(t *testing.T, s *feed.Sub, from, upto int64, pause time.Duration) error {
	t.Helper()
	want := from + 1
	deadline := time.After(20 * time.Second)
	for want <= upto {
		evs, err := s.Next(ctx)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if e.ID != want {
				return fmt.Errorf("got event %d, want %d (from %d)", e.ID, want, from)
			}
			want++
		}
		if len(evs) > 0 {
			time.Sleep(pause)
			continue
		}
		select {
		case <-s.Wake():
		case <-time.After(50 * time.Millisecond): // the reader's poll would also come
		case <-deadline:
			return fmt.Errorf("timed out at %d of %d", want-1, upto)
		}
	}
	return nil
}

// TestNoGapNoDuplicate races appends against many subscribers joining at
// random points (before the ring, inside it, at the end), some slow
// enough to overflow their buffer, and leaving: each sees every event
// after its start exactly once, in order.
func TestNoGapNoDuplicate(t *testing.T) {
	log := newMemLog()
	h := &feed.Hub{Events: log, Bus: log.bus, Ring: 32, Buffer: 8, Poll: 20 * time.Millisecond}
	defer h.Close()
	const total = 3000
	for range 100 {
		log.append("t1")
	}
	var appended atomic.Int64
	appended.Store(100)
	go func() {
		for range total {
			appended.Store(log.append("t1"))
			if rand.IntN(10) == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
			head := appended.Load()
			from := max(0, head-int64(rand.IntN(80))) // sometimes before the ring
			s, err := h.Subscribe(ctx, "t1", from)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			var pause time.Duration
			if i%10 == 0 {
				pause = 3 * time.Millisecond // slow: overflows its buffer
			}
			upto := min(int64(total+100), head+int64(50+rand.IntN(500)))
			if err := readUntil(t, s, from, upto, pause); err != nil {
				errs <- fmt.Errorf("subscriber %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	waitFor(t, "readers to stop", func() bool { return h.Tenants() == 0 })
}

// TestSlowSubscriberDoesNotBlock: a subscriber that reads nothing is
// dropped from the live fan-out while another gets every event at once;
// later it catches up from the store with no gap and rejoins.
func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	log := newMemLog()
	h := &feed.Hub{Events: log, Bus: log.bus, Ring: 16, Buffer: 4, Poll: 10 * time.Millisecond}
	defer h.Close()
	slow, err := h.Subscribe(ctx, "t1", 0)
	must(t, err)
	defer slow.Close()
	fast, err := h.Subscribe(ctx, "t1", 0)
	must(t, err)
	defer fast.Close()
	if !slow.Live() || !fast.Live() {
		t.Fatal("subscribers at the end of the log are not live")
	}
	for range 100 {
		log.append("t1")
	}
	must(t, readUntil(t, fast, 0, 100, 0))
	if slow.Live() {
		t.Fatal("a subscriber with 100 events waiting and a buffer of 4 is still live")
	}
	before := log.reads.Load()
	must(t, readUntil(t, slow, 0, 100, 0))
	if log.reads.Load() == before {
		t.Fatal("the slow subscriber caught up without reading the store")
	}
	waitFor(t, "the slow subscriber to rejoin", func() bool {
		_, _ = slow.Next(ctx)
		return slow.Live()
	})
	log.append("t1")
	must(t, readUntil(t, slow, 100, 101, 0))
}

// TestOneReadPerEvent: with many subscribers the store is read once per
// notification, not once per subscriber.
func TestOneReadPerEvent(t *testing.T) {
	log := newMemLog()
	h := &feed.Hub{Events: log, Bus: log.bus, Poll: time.Hour}
	defer h.Close()
	var subs []*feed.Sub
	for range 100 {
		s, err := h.Subscribe(ctx, "t1", 0)
		must(t, err)
		defer s.Close()
		subs = append(subs, s)
	}
	// The tenant's reader starts with a read of its own; count from the
	// moment every subscriber has had a first event through it.
	warm := log.append("t1")
	for _, s := range subs {
		must(t, readUntil(t, s, 0, warm, 0))
	}
	before := log.reads.Load()
	for range 10 {
		id := log.append("t1")
		for _, s := range subs {
			must(t, readUntil(t, s, id-1, id, 0))
		}
	}
	if reads := log.reads.Load() - before; reads > 10 {
		t.Fatalf("10 events to 100 subscribers took %d store reads, want at most 10", reads)
	}
}

// TestCloseEndsSubscriptions: closing the hub ends every subscription at
// once.
func TestCloseEndsSubscriptions(t *testing.T) {
	log := newMemLog()
	h := &feed.Hub{Events: log, Bus: log.bus}
	s, err := h.Subscribe(ctx, "t1", 0)
	must(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-s.Done():
		case <-time.After(5 * time.Second):
		}
	}()
	h.Close()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Done not closed by Close")
	}
	if _, err := s.Next(ctx); !errors.Is(err, feed.ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	if _, err := h.Subscribe(ctx, "t1", 0); !errors.Is(err, feed.ErrClosed) {
		t.Fatalf("Subscribe after Close: %v", err)
	}
	s.Close()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
