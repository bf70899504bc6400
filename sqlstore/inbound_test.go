package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func inbound(account, key string) *parley.InboundEvent {
	return &parley.InboundEvent{TenantID: "t1", AccountID: account, Channel: parley.ChannelFacebook,
		DedupKey: key, Kind: "message", Payload: []byte(`{"k":"` + key + `"}`), ReceivedAt: at(1)}
}

func TestInbound(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		batch := []*parley.InboundEvent{inbound("a1", "m1"), inbound("a1", "m2"), inbound("a2", "m1"), inbound("a1", "m1")}
		n, err := s.AddInbound(ctx, batch)
		must(t, err)
		if n != 3 {
			t.Fatalf("AddInbound = %d, want 3", n)
		}
		if batch[0].ID == 0 || batch[1].ID <= batch[0].ID || batch[2].ID <= batch[1].ID || batch[3].ID != 0 {
			t.Fatalf("ids %d %d %d %d", batch[0].ID, batch[1].ID, batch[2].ID, batch[3].ID)
		}
		// Redelivery of a whole batch stores nothing; empty keys never collide.
		n, err = s.AddInbound(ctx, []*parley.InboundEvent{inbound("a1", "m2"), inbound("a1", ""), inbound("a1", "")})
		must(t, err)
		if n != 2 {
			t.Fatalf("second AddInbound = %d, want 2", n)
		}
		n, err = s.AddInbound(ctx, nil)
		must(t, err)
		if n != 0 {
			t.Fatal("empty batch")
		}

		pending, err := s.PendingInbound(ctx, 0, 10)
		must(t, err)
		if len(pending) != 5 {
			t.Fatalf("%d pending", len(pending))
		}
		first := pending[0]
		if first.ID != batch[0].ID || first.DedupKey != "m1" || string(first.Payload) != `{"k":"m1"}` ||
			first.Kind != "message" || first.Channel != parley.ChannelFacebook || !first.ReceivedAt.Equal(at(1)) ||
			!first.ProcessedAt.IsZero() {
			t.Fatalf("pending[0] = %+v", first)
		}
		for i := 1; i < len(pending); i++ {
			if pending[i].ID <= pending[i-1].ID {
				t.Fatal("pending not oldest first")
			}
		}
		two, err := s.PendingInbound(ctx, 0, 2)
		must(t, err)
		if len(two) != 2 {
			t.Fatalf("limit: %d", len(two))
		}
		rest, err := s.PendingInbound(ctx, two[1].ID, 10)
		must(t, err)
		if len(rest) != 3 || rest[0].ID != pending[2].ID {
			t.Fatalf("after %d: %v", two[1].ID, rest)
		}

		must(t, s.MarkInboundProcessed(ctx, batch[0].ID, at(5), ""))
		must(t, s.MarkInboundProcessed(ctx, batch[1].ID, at(5), "boom"))
		wantCode(t, s.MarkInboundProcessed(ctx, 999999, at(5), ""), parley.ENOTFOUND)
		pending, err = s.PendingInbound(ctx, 0, 10)
		must(t, err)
		if len(pending) != 3 || pending[0].ID != batch[2].ID {
			t.Fatalf("pending after processing = %v", pending)
		}
		// A processed event still deduplicates.
		n, err = s.AddInbound(ctx, []*parley.InboundEvent{inbound("a1", "m1")})
		must(t, err)
		if n != 0 {
			t.Fatal("processed event stored again")
		}
	})
}

// TestInboundProcessedWithHandled: an event's processed mark carries its
// messages' handled marks in the same transaction; with no such event
// neither is written.
func TestInboundProcessedWithHandled(t *testing.T) {
	cases := []struct {
		name        string
		event       bool // the event exists
		handled     int  // messages marked with it
		wantCode    string
		wantHandled bool
	}{
		{"one message", true, 1, "", true},
		{"several messages", true, 3, "", true},
		{"no messages", true, 0, "", false},
		{"unknown event", false, 2, parley.ENOTFOUND, false},
	}
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := newChat(t, s, "t1")
				var ids, mids []string
				for j := range max(tc.handled, 1) {
					mid := fmt.Sprintf("mid.h%d.%d", i, j)
					m := &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
						Kind: parley.KindText, Text: "hi", ExternalID: mid}
					must(t, s.AddMessage(ctx, m))
					mids = append(mids, mid)
					if j < tc.handled {
						ids = append(ids, m.ID)
					}
				}
				ev := inbound("a1", fmt.Sprintf("h%d", i))
				_, err := s.AddInbound(ctx, []*parley.InboundEvent{ev})
				must(t, err)
				id := ev.ID
				if !tc.event {
					id = 999999
				}
				err = s.MarkInboundProcessed(ctx, id, at(5), "", ids...)
				if tc.wantCode != "" {
					wantCode(t, err, tc.wantCode)
				} else {
					must(t, err)
				}
				for _, mid := range mids[:max(tc.handled, 1)] {
					_, err := s.UnhandledMessage(ctx, "a1", mid)
					if handled := parley.ErrorCode(err) == parley.ENOTFOUND; handled != tc.wantHandled {
						t.Errorf("message %s handled = %v (%v), want %v", mid, handled, err, tc.wantHandled)
					}
				}
				pending, err := s.PendingInbound(ctx, ev.ID-1, 1)
				must(t, err)
				if left := len(pending) == 1 && pending[0].ID == ev.ID; left != !tc.event {
					t.Errorf("event pending = %v, want %v", left, !tc.event)
				}
			})
		}
	})
}
