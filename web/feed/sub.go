package feed

import (
	"context"
	"fmt"
	"sync"

	"github.com/parleycc/parley"
)

// Sub is one subscriber (a browser's stream). It is live while the
// tenant's reader queues events for it, and catching up while it reads
// the store itself (it resumed from before the ring, or let its queue
// overflow). Next hands out every event after the cursor once, in order,
// in both modes. A Sub is used by one goroutine.
type Sub struct {
	feed *tenantFeed
	max  int
	wake chan struct{} // poked when events are queued or the reader drops it
	// agent, if set, is whose live events s wants (parley.Event.AgentID):
	// the reader offers it no others, so a tenant's every event does not
	// wake every agent's stream.
	agent string

	mu     sync.Mutex
	queue  []*parley.Event // live events not yet handed out
	tail   int64           // id of the last event queued or handed out
	cursor int64           // id of the last event handed out
	live   bool
	closed bool
}

// Wake is signalled when Next may have something new.
func (s *Sub) Wake() <-chan struct{} { return s.wake }

// Done is closed when the hub closes; Next then returns ErrClosed.
func (s *Sub) Done() <-chan struct{} { return s.feed.hub.done }

// Cursor is the id of the last event Next handed out.
func (s *Sub) Cursor() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor
}

// Live tells whether the reader is queueing events for s (as opposed to
// s reading the store to catch up).
func (s *Sub) Live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
}

// Next returns the events after the cursor that are ready, oldest first,
// without waiting: an empty answer means wait for Wake. While catching up
// it reads one page from the store. ErrClosed once the hub is closed.
func (s *Sub) Next(ctx context.Context) ([]*parley.Event, error) {
	select {
	case <-s.feed.hub.done:
		return nil, ErrClosed
	default:
	}
	if evs, live := s.take(); len(evs) > 0 || live {
		return evs, nil
	}
	return s.catchUp(ctx)
}

// take hands out the queued events and tells whether s is live.
func (s *Sub) take() ([]*parley.Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.queue
	s.queue = nil
	if len(evs) > 0 {
		s.cursor = evs[len(evs)-1].ID
	}
	return evs, s.live
}

// catchUp reads the next page after the cursor from the store, and
// rejoins the live fan-out as soon as the ring reaches back to it.
func (s *Sub) catchUp(ctx context.Context) ([]*parley.Event, error) {
	f := s.feed
	if f.tryJoin(s, false) {
		evs, _ := s.take()
		return evs, nil
	}
	evs, err := f.hub.Events.EventsAfter(ctx, f.tenant, s.Cursor(), page)
	if err != nil {
		return nil, fmt.Errorf("feed: catch up: %w", err)
	}
	if len(evs) > 0 {
		s.mu.Lock()
		s.cursor, s.tail = evs[len(evs)-1].ID, evs[len(evs)-1].ID
		s.mu.Unlock()
	}
	// Nothing more in the store: nothing lies between the cursor and the
	// ring, whatever its floor.
	if f.tryJoin(s, len(evs) == 0) {
		more, _ := s.take()
		evs = append(evs, more...)
	} else {
		s.poke() // more to read
	}
	return evs, nil
}

// offer queues the events after the tail; false (queueing none) if they
// would overflow the buffer, which sends s back to the store. The reader
// calls it with the feed locked.
func (s *Sub) offer(evs []*parley.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := 0
	for i < len(evs) && evs[i].ID <= s.tail {
		i++
	}
	evs = evs[i:]
	if len(evs) == 0 {
		return true
	}
	last := evs[len(evs)-1].ID
	if s.agent != "" {
		var kept []*parley.Event
		for _, e := range evs {
			if e.AgentID == s.agent {
				kept = append(kept, e)
			}
		}
		if evs = kept; len(evs) == 0 {
			s.tail = last // passed over: nothing to hand out
			return true
		}
	}
	if len(s.queue)+len(evs) > s.max {
		s.live = false
		s.poke()
		return false
	}
	s.queue = append(s.queue, evs...)
	s.tail = last
	s.poke()
	return true
}

func (s *Sub) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Close ends the subscription.
func (s *Sub) Close() {
	s.mu.Lock()
	closed := s.closed
	s.closed, s.live = true, false
	s.mu.Unlock()
	if closed {
		return
	}
	s.feed.leave(s)
	s.feed.hub.release(s.feed)
}
