// Package inmem is the in-process event bus used by single-node installs.
package inmem

import (
	"context"
	"sync"
)

// Bus fans notifications out to subscribers of a tenant. A subscriber whose
// buffer is full misses the notification instead of blocking the publisher;
// subscribers re-read the event log, so nothing is lost.
type Bus struct {
	mu   sync.Mutex
	subs map[string]map[chan int64]struct{}
}

// New returns an empty bus.
func New() *Bus { return &Bus{subs: map[string]map[chan int64]struct{}{}} }

// Publish notifies the tenant's subscribers that event id exists.
func (b *Bus) Publish(_ context.Context, tenantID string, id int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[tenantID] {
		select {
		case ch <- id:
		default:
		}
	}
	return nil
}

// Subscribe returns a channel of event ids and a function to unsubscribe.
func (b *Bus) Subscribe(tenantID string) (<-chan int64, func()) {
	ch := make(chan int64, 64)
	b.mu.Lock()
	if b.subs[tenantID] == nil {
		b.subs[tenantID] = map[chan int64]struct{}{}
	}
	b.subs[tenantID][ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[tenantID], ch)
			b.mu.Unlock()
		})
	}
}
