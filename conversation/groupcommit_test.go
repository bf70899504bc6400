package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// scriptedInbound is an InboundStore whose AddInbound calls block until
// released and fail when told to; it records each call's dedup keys.
type scriptedInbound struct {
	parley.InboundStore
	mu      sync.Mutex
	calls   [][]string
	started chan int   // the number of each call, as it starts
	release chan error // one value per call: its outcome
	nextID  int64
}

func (s *scriptedInbound) AddInbound(_ context.Context, events []*parley.InboundEvent) (int, error) {
	s.mu.Lock()
	var keys []string
	for _, e := range events {
		keys = append(keys, e.DedupKey)
	}
	s.calls = append(s.calls, keys)
	n := len(s.calls)
	s.mu.Unlock()
	s.started <- n
	if err := <-s.release; err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range events {
		s.nextID++
		e.ID = s.nextID
	}
	return len(events), nil
}

// TestGroupCommitErrorFailsOnlyItsBatch queues deliveries behind a slow
// transaction, fails the transaction that holds them, and checks that
// every waiter of that batch gets the error while the batches before and
// after it succeed.
func TestGroupCommitErrorFailsOnlyItsBatch(t *testing.T) {
	store := &scriptedInbound{started: make(chan int, 16), release: make(chan error)}
	var g groupCommit
	type result struct {
		key string
		n   int
		err error
	}
	results := make(chan result, 16)
	post := func(key string) {
		go func() {
			n, err := g.add(context.Background(), store, []*parley.InboundEvent{{DedupKey: key}})
			results <- result{key, n, err}
		}()
	}
	waitQueued := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			g.mu.Lock()
			l := len(g.pending)
			g.mu.Unlock()
			if l == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d deliveries queued, want %d", l, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	awaitCall := func(want int) {
		t.Helper()
		select {
		case got := <-store.started:
			if got != want {
				t.Fatalf("transaction %d started, want %d", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("transaction %d never started", want)
		}
	}

	post("a")
	awaitCall(1) // a commits alone
	post("b")
	post("c")
	post("d")
	waitQueued(3)
	store.release <- nil // a succeeds; b, c, d go in the next transaction
	awaitCall(2)
	post("e")
	post("f")
	waitQueued(2)
	boom := errors.New("disk on fire")
	store.release <- boom // b, c, d fail
	awaitCall(3)
	store.release <- nil // e, f succeed

	got := map[string]result{}
	for range 6 {
		select {
		case r := <-results:
			got[r.key] = r
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d deliveries answered", len(got))
		}
	}
	for _, k := range []string{"a", "e", "f"} {
		if r := got[k]; r.err != nil || r.n != 1 {
			t.Errorf("%s: n=%d err=%v, want stored", k, r.n, r.err)
		}
	}
	for _, k := range []string{"b", "c", "d"} {
		if r := got[k]; !errors.Is(r.err, boom) || r.n != 0 {
			t.Errorf("%s: n=%d err=%v, want the batch's error", k, r.n, r.err)
		}
	}
	store.mu.Lock()
	calls := store.calls
	store.mu.Unlock()
	for i := range calls {
		slices.Sort(calls[i])
	}
	if want := [][]string{{"a"}, {"b", "c", "d"}, {"e", "f"}}; fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("transactions %v, want %v", calls, want)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.active != 0 || len(g.pending) != 0 {
		t.Errorf("after the last commit: %d committers, %d queued; want none", g.active, len(g.pending))
	}
}

// parallelInbound is an InboundStore that allows several writers and
// counts how many run at once.
type parallelInbound struct {
	scriptedInbound
	writers int
}

func (p *parallelInbound) InboundWriters() int { return p.writers }

// TestGroupCommitConcurrentWriters checks that with a store that allows
// two writers, two transactions run at once and the deliveries queued
// behind them are committed by whichever finishes first.
func TestGroupCommitConcurrentWriters(t *testing.T) {
	store := &parallelInbound{scriptedInbound{started: make(chan int, 16), release: make(chan error)}, 2}
	var g groupCommit
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	post := func(key string) {
		wg.Go(func() {
			if _, err := g.add(context.Background(), store, []*parley.InboundEvent{{DedupKey: key}}); err != nil {
				errs <- err
			}
		})
	}
	post("a")
	<-store.started
	post("b")
	<-store.started // a second transaction while the first is open
	post("c")
	post("d")
	deadline := time.Now().Add(5 * time.Second)
	for {
		g.mu.Lock()
		l := len(g.pending)
		g.mu.Unlock()
		if l == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("c and d never queued")
		}
		time.Sleep(time.Millisecond)
	}
	store.release <- nil // one of a, b; then c and d go together
	<-store.started
	store.release <- nil
	store.release <- nil
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(store.calls) != 3 || len(store.calls[2]) != 2 {
		t.Errorf("transactions %v, want a, b, then c and d together", store.calls)
	}
}
