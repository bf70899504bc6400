package sqlstore_test

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestEvents(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		last, err := s.LastEventID(ctx, "t1")
		must(t, err)
		if last != 0 {
			t.Fatalf("LastEventID of empty log = %d", last)
		}
		e1 := &parley.Event{TenantID: "t1", Type: parley.EventMessage, ChatID: "c1", Data: json.RawMessage(`{"x":1}`), CreatedAt: at(1)}
		e2 := &parley.Event{TenantID: "t2", Type: parley.EventAgentState, AgentID: "u1"}
		e3 := &parley.Event{TenantID: "t1", Type: parley.EventChatClosed, ChatID: "c1"}
		for _, e := range []*parley.Event{e1, e2, e3} {
			must(t, s.AppendEvent(ctx, e))
		}
		if e1.ID == 0 || e2.ID <= e1.ID || e3.ID <= e2.ID || e2.CreatedAt.IsZero() {
			t.Fatalf("ids %d %d %d", e1.ID, e2.ID, e3.ID)
		}
		es, err := s.EventsAfter(ctx, "t1", 0, 10)
		must(t, err)
		if len(es) != 2 || es[0].ID != e1.ID || es[1].ID != e3.ID {
			t.Fatalf("EventsAfter = %v", es)
		}
		if es[0].Type != e1.Type || es[0].ChatID != "c1" || string(es[0].Data) != `{"x":1}` || !es[0].CreatedAt.Equal(at(1)) {
			t.Fatalf("event = %+v", es[0])
		}
		if es[1].Data != nil {
			t.Fatalf("empty data = %q", es[1].Data)
		}
		es, err = s.EventsAfter(ctx, "t1", e1.ID, 10)
		must(t, err)
		if len(es) != 1 || es[0].ID != e3.ID {
			t.Fatalf("EventsAfter(e1) = %v", es)
		}
		es, err = s.EventsAfter(ctx, "t1", 0, 1)
		must(t, err)
		if len(es) != 1 {
			t.Fatalf("limit: %v", es)
		}
		last, err = s.LastEventID(ctx, "t1")
		must(t, err)
		if last != e3.ID {
			t.Fatalf("LastEventID = %d, want %d", last, e3.ID)
		}
	})
}

// A reader that follows the log with EventsAfter while many writers append
// must see every event exactly once, in id order.
func TestEventsConcurrentAppend(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		const writers, each = 6, 25
		var done atomic.Bool
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for range each {
					if err := s.AppendEvent(ctx, &parley.Event{TenantID: "t1", Type: parley.EventChatUpdated}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		readerDone := make(chan []int64)
		go func() {
			var got []int64
			var after int64
			for {
				finished := done.Load()
				es, err := s.EventsAfter(ctx, "t1", after, 7)
				if err != nil {
					t.Error(err)
					break
				}
				for _, e := range es {
					got = append(got, e.ID)
					after = e.ID
				}
				if finished && len(es) == 0 {
					break
				}
			}
			readerDone <- got
		}()
		wg.Wait()
		done.Store(true)
		got := <-readerDone
		if len(got) != writers*each {
			t.Fatalf("reader saw %d events, want %d", len(got), writers*each)
		}
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] {
				t.Fatalf("ids out of order at %d: %d after %d", i, got[i], got[i-1])
			}
		}
	})
}
