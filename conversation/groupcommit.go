package conversation

import (
	"context"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// maxGroup bounds how many webhook deliveries share one transaction.
const maxGroup = 256

// concurrentWriter is implemented by stores that can commit several inbound
// batches at once to advantage (PostgreSQL flushes concurrent commits'
// WAL together). Other stores get one committer at a time.
type concurrentWriter interface {
	InboundWriters() int
}

// groupCommit batches the inbound events of concurrent webhook deliveries
// into one transaction (group commit): while a transaction commits, the
// deliveries that arrive queue up and the next committer stores them all at
// once. No delivery waits for a timer, and each is answered only after the
// transaction holding its events has committed. Up to limit transactions
// run at once (1 on SQLite, whose writes are serialized anyway).
type groupCommit struct {
	mu      sync.Mutex
	pending []*commitReq
	active  int // committers running
	limit   int // 0 until the first add
}

type commitReq struct {
	events []*parley.InboundEvent
	done   chan error        // the outcome of the transaction holding events
	lead   chan []*commitReq // a batch, headed by this request, to commit
}

// add stores events durably, batched with concurrent calls, and returns how
// many of them were new.
func (g *groupCommit) add(ctx context.Context, store parley.InboundStore, events []*parley.InboundEvent) (int, error) {
	req := &commitReq{events: events, done: make(chan error, 1), lead: make(chan []*commitReq, 1)}
	g.mu.Lock()
	if g.limit == 0 {
		g.limit = 1
		if w, ok := store.(concurrentWriter); ok && w.InboundWriters() > 1 {
			g.limit = w.InboundWriters()
		}
	}
	g.pending = append(g.pending, req)
	var batch []*commitReq
	if g.active < g.limit {
		// Become a committer at once, with everything queued (ours too).
		g.active++
		batch = g.takeLocked()
	}
	g.mu.Unlock()

	if batch == nil {
		select {
		case err := <-req.done:
			return countNew(events), err
		case batch = <-req.lead:
			// A finishing committer handed us the next batch (ours first).
		}
	}
	g.commit(ctx, store, batch)
	// Hand the queue to its oldest request, so that this one can answer
	// its client now, or stop committing when nothing waits.
	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.takeLocked()
		next[0].lead <- next
	} else {
		g.active--
	}
	g.mu.Unlock()
	err := <-req.done
	return countNew(events), err
}

// takeLocked removes and returns up to maxGroup queued requests, oldest
// first. g.mu is held.
func (g *groupCommit) takeLocked() []*commitReq {
	n := min(len(g.pending), maxGroup)
	batch := make([]*commitReq, n)
	copy(batch, g.pending)
	rest := copy(g.pending, g.pending[n:])
	clear(g.pending[rest:])
	g.pending = g.pending[:rest]
	return batch
}

// commit stores the events of batch in one transaction and tells each of
// its requests the outcome.
func (g *groupCommit) commit(ctx context.Context, store parley.InboundStore, batch []*commitReq) {
	total := 0
	for _, r := range batch {
		total += len(r.events)
	}
	all := make([]*parley.InboundEvent, 0, total)
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
