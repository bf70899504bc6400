package feed

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// tenantFeed is one tenant's reader: the ring of recent events and the
// subscribers that are live (caught up with it).
type tenantFeed struct {
	hub    *Hub
	tenant string
	ctx    context.Context
	cancel context.CancelFunc
	refs   int // subscriptions open; guarded by hub.mu

	mu    sync.Mutex
	ring  []*parley.Event              // events with ids in (floor, last], oldest first
	floor int64                        // the ring holds every event after floor
	last  int64                        // the newest id read
	live  map[*Sub]struct{}            // live subscribers of every event
	mine  map[string]map[*Sub]struct{} // live subscribers by their agent
}

func newTenantFeed(h *Hub, tenant string, last int64) *tenantFeed {
	ctx, cancel := context.WithCancel(context.Background())
	return &tenantFeed{hub: h, tenant: tenant, ctx: ctx, cancel: cancel, floor: last, last: last,
		live: map[*Sub]struct{}{}, mine: map[string]map[*Sub]struct{}{}}
}

// run reads the log on every notification and poll until cancelled.
func (f *tenantFeed) run() {
	notify, unsubscribe := f.hub.Bus.Subscribe(f.tenant)
	defer unsubscribe()
	defer f.dropAll()
	tick := time.NewTicker(f.hub.Poll)
	defer tick.Stop()
	for {
		if err := f.readAll(); err != nil && f.ctx.Err() == nil {
			f.hub.Logger.Warn("feed: read events", slog.String("tenant", f.tenant), slog.Any("err", err))
		}
		select {
		case <-f.ctx.Done():
			return
		case <-notify:
		case <-tick.C:
		}
	}
}

// readAll reads every event after the newest one read, page by page, and
// hands each page out.
func (f *tenantFeed) readAll() error {
	for {
		f.mu.Lock()
		after := f.last
		f.mu.Unlock()
		evs, err := f.hub.Events.EventsAfter(f.ctx, f.tenant, after, page)
		if err != nil {
			return err
		}
		f.publish(evs)
		if len(evs) < page {
			return nil
		}
	}
}

// publish adds events to the ring and to every live subscriber. Only the
// reader goroutine calls it, so the events follow f.last.
func (f *tenantFeed) publish(evs []*parley.Event) {
	if len(evs) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range evs {
		if e.ID <= f.last {
			continue
		}
		f.ring = append(f.ring, e)
		f.last = e.ID
	}
	// The ring keeps Ring to 2×Ring events, so dropping the oldest is
	// one copy per Ring events.
	if n := len(f.ring) - f.hub.Ring; n >= f.hub.Ring {
		f.floor = f.ring[n-1].ID
		f.ring = append(f.ring[:0:0], f.ring[n:]...)
	}
	for s := range f.live {
		if !s.offer(evs) {
			f.drop(s) // fell behind: it reads the store until it catches up
		}
	}
	if len(f.mine) == 0 {
		return
	}
	// Each agent's subscribers are offered that agent's events only: the
	// cost is the events', not the agents'.
	var byAgent map[string][]*parley.Event
	for _, e := range evs {
		if _, ok := f.mine[e.AgentID]; ok { // never "": those take every event
			if byAgent == nil {
				byAgent = map[string][]*parley.Event{}
			}
			byAgent[e.AgentID] = append(byAgent[e.AgentID], e)
		}
	}
	for agent, mine := range byAgent {
		for s := range f.mine[agent] {
			if !s.offer(mine) {
				f.drop(s)
			}
		}
	}
}

// add makes s a live subscriber; f.mu is held.
func (f *tenantFeed) add(s *Sub) {
	if s.agent == "" {
		f.live[s] = struct{}{}
		return
	}
	subs := f.mine[s.agent]
	if subs == nil {
		subs = map[*Sub]struct{}{}
		f.mine[s.agent] = subs
	}
	subs[s] = struct{}{}
}

// drop removes s from the live subscribers; f.mu is held.
func (f *tenantFeed) drop(s *Sub) {
	if s.agent == "" {
		delete(f.live, s)
		return
	}
	if subs := f.mine[s.agent]; subs != nil {
		delete(subs, s)
		if len(subs) == 0 {
			delete(f.mine, s.agent)
		}
	}
}

// tryJoin makes s live if the ring holds every event after its tail,
// queueing the ring's events after it. force joins even when the ring
// starts later: the caller found nothing in the store after its tail.
func (f *tenantFeed) tryJoin(s *Sub, force bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.mu.Lock()
	tail := s.tail
	s.mu.Unlock()
	if tail < f.floor && !force {
		return false
	}
	var missed []*parley.Event
	for i := len(f.ring) - 1; i >= 0 && f.ring[i].ID > tail; i-- {
		missed = f.ring[i:]
	}
	if !s.offer(missed) {
		return false
	}
	s.mu.Lock()
	s.live = true
	s.mu.Unlock()
	f.add(s)
	return true
}

// leave removes s from the live subscribers.
func (f *tenantFeed) leave(s *Sub) {
	f.mu.Lock()
	f.drop(s)
	f.mu.Unlock()
}

// dropAll wakes every live subscriber as the reader stops.
func (f *tenantFeed) dropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.live {
		s.poke()
	}
	for _, subs := range f.mine {
		for s := range subs {
			s.poke()
		}
	}
	clear(f.live)
	clear(f.mine)
}
