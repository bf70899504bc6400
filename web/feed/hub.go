// Package feed fans the event log out to the live streams (Server-Sent
// Events) of one node. Each tenant with a connected browser has one
// reader: it hears the bus once, reads Store.EventsAfter once per
// notification, keeps a bounded ring of recent events and hands every new
// event to each subscriber's bounded queue. A subscriber that resumes from
// before the ring, or falls behind and overflows its queue, reads the
// store by itself until it reaches the ring again, then rejoins the live
// fan-out; either way it sees every event after its cursor exactly once,
// in order.
package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// Defaults of the Hub's settings.
const (
	DefaultRing   = 4096
	DefaultBuffer = 1024
	DefaultPoll   = time.Second
	// page is how many events one store read returns at most.
	page = 500
)

// ErrClosed is returned by a subscription whose hub was closed.
var ErrClosed = errors.New("feed: closed")

// EventReader reads the event log (parley.EventStore's reading half).
type EventReader interface {
	EventsAfter(ctx context.Context, tenantID string, after int64, limit int) ([]*parley.Event, error)
	LastEventID(ctx context.Context, tenantID string) (int64, error)
}

// Hub is a node's fan-out of the event log; its zero value is not usable:
// set Events and Bus. Close it to end every subscription at once.
type Hub struct {
	Events EventReader
	Bus    parley.Bus
	Logger *slog.Logger
	// Ring is how many recent events each tenant's reader keeps
	// (DefaultRing); Buffer how many a subscriber may have waiting before
	// it is sent back to read the store (DefaultBuffer); Poll how often a
	// reader looks at the log without a notification (DefaultPoll), for
	// events written on nodes the bus does not reach.
	Ring, Buffer int
	Poll         time.Duration

	once    sync.Once
	mu      sync.Mutex
	tenants map[string]*tenantFeed
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
}

func (h *Hub) init() {
	h.once.Do(func() {
		if h.Ring <= 0 {
			h.Ring = DefaultRing
		}
		if h.Buffer <= 0 {
			h.Buffer = DefaultBuffer
		}
		if h.Poll <= 0 {
			h.Poll = DefaultPoll
		}
		if h.Logger == nil {
			h.Logger = slog.Default()
		}
		h.tenants = map[string]*tenantFeed{}
		h.done = make(chan struct{})
	})
}

// Subscribe returns a subscription to the tenant's events with ids after
// after. Close the subscription when done with it.
func (h *Hub) Subscribe(ctx context.Context, tenant string, after int64) (*Sub, error) {
	return h.SubscribeAgent(ctx, tenant, after, "")
}

// SubscribeAgent is Subscribe to the live events that concern agent (their
// AgentID; "" for every event): the reader hands an event only to the
// subscribers of its agent and to those of every event, so the others
// cost it nothing and are never woken. Events a subscriber reads from the
// store while catching up come unfiltered, so its reader filters too.
func (h *Hub) SubscribeAgent(ctx context.Context, tenant string, after int64, agent string) (*Sub, error) {
	h.init()
	f, err := h.feed(ctx, tenant)
	if err != nil {
		return nil, err
	}
	s := &Sub{feed: f, cursor: after, tail: after, max: h.Buffer, wake: make(chan struct{}, 1), agent: agent}
	f.tryJoin(s, false)
	return s, nil
}

// feed returns the tenant's reader, started if it is the first
// subscriber's, with one more reference.
func (h *Hub) feed(ctx context.Context, tenant string) (*tenantFeed, error) {
	h.mu.Lock()
	f := h.tenants[tenant]
	if f != nil {
		f.refs++
	}
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if f != nil {
		return f, nil
	}
	// The reader starts at the end of the log; subscribers from before
	// it read the store themselves.
	last, err := h.Events.LastEventID(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("feed: subscribe: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	if f = h.tenants[tenant]; f != nil { // started meanwhile
		f.refs++
		return f, nil
	}
	f = newTenantFeed(h, tenant, last)
	f.refs = 1
	h.tenants[tenant] = f
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		f.run()
	}()
	return f, nil
}

// release drops a subscriber's reference; the last one stops the reader.
func (h *Hub) release(f *tenantFeed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f.refs--
	if f.refs == 0 && h.tenants[f.tenant] == f {
		delete(h.tenants, f.tenant)
		f.cancel()
	}
}

// Close stops every reader and ends every subscription: their Done
// channels close and Next returns ErrClosed. It waits for the readers.
func (h *Hub) Close() {
	h.init()
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
		for _, f := range h.tenants {
			f.cancel()
		}
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// Tenants is how many tenant readers run (for tests).
func (h *Hub) Tenants() int {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.tenants)
}
