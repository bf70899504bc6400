package conversation

import (
	"context"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// maxGroup bounds how many webhook deliveries share one transaction.
const maxGroup = 256

// groupCommit batches the inbound events of concurrent webhook deliveries
// into one transaction (group commit): while one transaction commits, the
// deliveries that arrive queue up and the next committer stores them all at
// once. No delivery waits for a timer, and each is answered only after the
// transaction holding its events has committed.
type groupCommit struct {
	mu       sync.Mutex
	pending  []*commitReq
	flushing bool
}

type commitReq struct {
	events []*parley.InboundEvent
	done   chan error    // the outcome of the transaction holding events
	lead   chan struct{} // closed when this request must commit the queue
}

// add stores events durably, batched with concurrent calls, and returns how
// many of them were new.
func (g *groupCommit) add(ctx context.Context, store parley.InboundStore, events []*parley.InboundEvent) (int, error) {
	req := &commitReq{events: events, done: make(chan error, 1), lead: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, req)
	leader := !g.flushing
	g.flushing = true
	g.mu.Unlock()

	if !leader {
		select {
		case err := <-req.done:
			return countNew(events), err
		case <-req.lead:
		}
	}
	// This goroutine commits everything queued so far, then hands the
	// queue to the oldest waiter (or stops when it is empty).
	g.mu.Lock()
	batch := g.pending
	if len(batch) > maxGroup {
		batch = batch[:maxGroup]
	}
	g.pending = g.pending[len(batch):]
	g.mu.Unlock()

	var all []*parley.InboundEvent
	for _, r := range batch {
		all = append(all, r.events...)
	}
	// The batch belongs to several requests: one of them going away must
	// not abort the others' transaction.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	_, err := store.AddInbound(cctx, all)
	cancel()
	for _, r := range batch {
		r.done <- err
	}

	g.mu.Lock()
	if len(g.pending) > 0 {
		close(g.pending[0].lead)
	} else {
		g.flushing = false
	}
	g.mu.Unlock()
	err = <-req.done
	return countNew(events), err
}

// countNew counts the events the store inserted (it sets their ID).
func countNew(events []*parley.InboundEvent) int {
	n := 0
	for _, e := range events {
		if e.ID != 0 {
			n++
		}
	}
	return n
}
