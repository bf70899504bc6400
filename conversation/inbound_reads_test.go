package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// readCountingStore counts reads of the inbound log and of accounts.
type readCountingStore struct {
	parley.Store
	logReads, accountReads atomic.Int64
}

func (s *readCountingStore) PendingInbound(ctx context.Context, after int64, limit int) ([]*parley.InboundEvent, error) {
	s.logReads.Add(1)
	return s.Store.PendingInbound(ctx, after, limit)
}

func (s *readCountingStore) Account(ctx context.Context, id string) (*parley.Account, error) {
	s.accountReads.Add(1)
	return s.Store.Account(ctx, id)
}

// TestInboundReadsOncePerEvent: webhooks arriving one at a time cost one
// read of the inbound log each (the one their wake asks for), not a read
// again after queueing and another once their lane is done, and the
// page's account is read once, not for every event.
func TestInboundReadsOncePerEvent(t *testing.T) {
	const events = 12
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		counted := &readCountingStore{Store: st}
		node := r.startWith(func(c *Config) {
			c.Store = counted
			c.PollInterval = time.Hour // only wakes read the log
		})
		node.parties.cache.mu.Lock()
		node.parties.cache.ttl = time.Hour
		node.parties.cache.mu.Unlock()
		pending := func() bool {
			left, err := st.PendingInbound(r.ctx, 0, 1)
			return err == nil && len(left) > 0
		}
		r.eventually("the first run over an empty log", func() bool { return counted.logReads.Load() == 1 })
		for i := range events {
			payload, err := json.Marshal(channeltest.Message{ID: fmt.Sprintf("m%d", i), From: "c1",
				Text: fmt.Sprintf("message %d", i), At: r.clock.Now().UnixMilli()})
			must(t, err)
			_, err = st.AddInbound(r.ctx, []*parley.InboundEvent{{TenantID: parley.DefaultTenant, AccountID: r.account,
				Channel: channeltest.Type, DedupKey: fmt.Sprintf("m%d", i), Kind: "message", Payload: payload, ReceivedAt: r.clock.Now()}})
			must(t, err)
			poke(node.inboundWake) // what the webhook does once the event is stored
			r.eventually(fmt.Sprintf("event %d processed", i), func() bool { return !pending() })
		}
		if n := counted.logReads.Load() - 1; n > events {
			t.Errorf("%d events read the inbound log %d times, want at most %d", events, n, events)
		}
		if n := counted.accountReads.Load(); n > 1 {
			t.Errorf("%d events read the account %d times, want once", events, n)
		}
		if got := len(openChatMessages(t, r, "c1")); got != events {
			t.Errorf("the chat has %d messages, want %d", got, events)
		}
	})
}
