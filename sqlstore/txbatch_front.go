package sqlstore

import "context"

// A customer's message takes two writes between its webhook and the
// agent's screen: the webhook's event is stored, then the message. Under
// load the writer is a queue, and in arrival order each of the two waited
// behind everything queued before it, mostly the bookkeeping of earlier
// messages (processed and handled marks, claims, send results, replies):
// at 600 messages a second a write waited 2.2 ms for its batch at the
// median and 12 ms at p99, and the webhook's was stored 8–11 ms after it
// arrived. Those two writes go into the next batch before the others, and
// so does a reply's "send begun" mark, the one write between the
// outbox's claim and the Send API call (at 600 messages a second, reply
// → Send API p99 fell from 259 ms to 200–217 ms). The rest keep their
// order, and so that they are never held back for long, a batch takes
// at most maxFront of those in front while others wait.

// maxFront is how many inFront transactions a batch takes at most.
const maxFront = maxBatch / 2

type frontKey struct{}

// inFront marks ctx's write transactions as ones a customer waits on:
// they join the next batch ahead of the others (SQLite).
func inFront(ctx context.Context) context.Context {
	return context.WithValue(ctx, frontKey{}, true)
}

func isInFront(ctx context.Context) bool {
	v, _ := ctx.Value(frontKey{}).(bool)
	return v
}

// queueOf is the queue req waits in.
func (b *txBatches) queueOf(req *txReq) *[]*txReq {
	if req.head {
		return &b.first
	}
	return &b.waiting
}

// take removes the next batch from the queues: up to maxFront of first,
// then the others in their order; b.mu is held.
func (b *txBatches) take() []*txReq {
	n := min(len(b.first), maxFront)
	m := min(len(b.waiting), maxBatch-n)
	if n+m < maxBatch {
		n = min(len(b.first), maxBatch-m)
	}
	batch := make([]*txReq, 0, n+m)
	batch = append(batch, b.first[:n]...)
	batch = append(batch, b.waiting[:m]...)
	b.first = append(b.first[:0:0], b.first[n:]...)
	b.waiting = append(b.waiting[:0:0], b.waiting[m:]...)
	return batch
}

// next is the request to lead the next batch, if any waits; b.mu is held.
func (b *txBatches) next() *txReq {
	switch {
	case len(b.first) > 0:
		return b.first[0]
	case len(b.waiting) > 0:
		return b.waiting[0]
	}
	return nil
}
