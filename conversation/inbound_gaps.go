package conversation

import (
	"time"

	"github.com/parleycc/parley"
)

// inboundGapWait is how long the reader keeps looking for an event whose
// id it passed while the event was not visible. PostgreSQL gives an id
// when a row is inserted, so a transaction may commit an event after a
// later one was read; an id may also never appear (a rolled back insert,
// or a redelivery that ON CONFLICT turned away after taking an id).
// Webhook transactions last milliseconds; an id missing this long is
// taken for one that will never appear.
const inboundGapWait = 10 * time.Second

// maxInboundGaps bounds the ids looked for at once (a sequence that jumped
// after a crash would otherwise fill the set).
const maxInboundGaps = 4096

// inboundGaps are the ids behind the reader's cursor not seen yet. While
// any is open, reads start below the lowest, so an event that commits
// late is queued before the later events read with it: a customer's
// message is never handled after the one they sent next (the platform
// sends that only once the first was acknowledged, that is committed).
type inboundGaps struct {
	since map[int64]time.Time // open gap → when it was first seen
}

func newInboundGaps() *inboundGaps { return &inboundGaps{since: map[int64]time.Time{}} }

// saw records a read of pending events with the cursor at after (the
// highest id queued so far): ids behind the last event read and past the
// cursor that were not in it open gaps (nothing past the cursor has been
// handled, so a missing one is not visible yet); gaps read are closed;
// gaps open longer than inboundGapWait are given up.
func (g *inboundGaps) saw(after int64, events []*parley.InboundEvent, now time.Time) {
	next := after + 1
	for _, ev := range events {
		delete(g.since, ev.ID)
		if after == 0 || ev.ID <= after {
			continue // the first read of a turn: everything before was handled
		}
		for id := next; id < ev.ID && len(g.since) < maxInboundGaps; id++ {
			if _, ok := g.since[id]; !ok {
				g.since[id] = now
			}
		}
		next = ev.ID + 1
	}
	for id, at := range g.since {
		if now.Sub(at) > inboundGapWait {
			delete(g.since, id)
		}
	}
}

func (g *inboundGaps) open() bool { return len(g.since) > 0 }

func (g *inboundGaps) count() int { return len(g.since) }

// from is where a read starts: below the lowest open gap, or at after.
func (g *inboundGaps) from(after int64) int64 {
	from := after
	for id := range g.since {
		from = min(from, id-1)
	}
	return from
}
