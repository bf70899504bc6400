package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// Counting a chat's new facts into the report aggregates takes its
// timeline so far (metrics.Aggregator.Deltas), and a chat's timeline
// grows by a fact or two with every message: reading it back whole for
// each message made a long conversation cost more with every line, and it
// was a third of the SQLite writer's time under load. A node keeps each
// open chat's timeline condensed (metrics.Condense: only the facts that
// still count) once it has written it, and uses it while it is current:
// the chat's facts in the database are the ones it was made from (the
// same count and highest id, read in the writing transaction under the
// chat's lock) and the new facts come at its end. Otherwise the timeline
// is read whole, as before. A copy is stored only after its transaction
// commits, so a rolled-back write never leaves one behind.

// maxTimelines bounds the chats whose timelines a node keeps; past it the
// store starts over (a timeline not kept is read back once).
const maxTimelines = 1 << 16

type timelines struct {
	mu sync.Mutex
	m  map[[2]string]*timeline
}

// timeline is a chat's stored timeline, condensed.
type timeline struct {
	n     int       // facts stored
	maxID int64     // the highest id among them
	last  time.Time // the latest At among them
	facts []parley.Fact
}

func (c *timelines) get(key [2]string) *timeline {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *timelines) put(key [2]string, tl *timeline) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxTimelines {
		c.m = map[[2]string]*timeline{}
	}
	c.m[key] = tl
}

func (c *timelines) drop(key [2]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// earlierFacts returns the chat's stored timeline to count added after
// it: the condensed copy when it is current and every added fact comes
// at its end, else the whole timeline read back. r holds the chat's facts
// lock.
func (s *Store) earlierFacts(ctx context.Context, r runner, key [2]string, added []parley.Fact) (*timeline, error) {
	if tl := s.timelines.get(key); tl != nil && !endsBefore(tl.last, added) {
		var n int
		var maxID int64
		if err := r.queryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM chat_facts WHERE tenant_id = ? AND chat_id = ?",
			key[0], key[1]).Scan(&n, &maxID); err != nil {
			return nil, fmt.Errorf("count facts of %s: %w", key[1], err)
		}
		if n == tl.n && maxID == tl.maxID {
			return tl, nil
		}
	}
	facts, err := chatFacts(ctx, r, key[0], key[1])
	if err != nil {
		return nil, err
	}
	tl := &timeline{facts: facts}
	tl.count(facts)
	return tl, nil
}

// count adds stored facts to tl's count, highest id and latest time.
func (tl *timeline) count(facts []parley.Fact) {
	tl.n += len(facts)
	for _, f := range facts {
		tl.maxID = max(tl.maxID, f.ID)
		if f.At.After(tl.last) {
			tl.last = f.At
		}
	}
}

// endsBefore reports whether a fact of added (At normalized) is earlier
// than last.
func endsBefore(last time.Time, added []parley.Fact) bool {
	for _, f := range added {
		if f.At.Before(last) {
			return true
		}
	}
	return false
}

// keepTimeline stores, once r's transaction commits, the chat's timeline
// after added (stored, with their ids) joined earlier. A closed chat's is
// dropped: little comes after the close.
func (s *Store) keepTimeline(r runner, key [2]string, earlier *timeline, added []parley.Fact) {
	next := &timeline{n: earlier.n, maxID: earlier.maxID, last: earlier.last}
	next.count(added)
	if slices.ContainsFunc(added, func(f parley.Fact) bool { return f.Kind == parley.FactClosed }) {
		r.afterCommit(func() { s.timelines.drop(key) })
		return
	}
	all := append(append(make([]parley.Fact, 0, len(earlier.facts)+len(added)), earlier.facts...), added...)
	metrics.SortTimeline(all)
	next.facts = metrics.Condense(all)
	r.afterCommit(func() { s.timelines.put(key, next) })
}
