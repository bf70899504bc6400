package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestHookLeases checks what keeps a webhook's events in order across
// nodes: only a subscription with events after its cursor is due, one
// node at a time holds it, and a node that lost its lease cannot move the
// cursor.
func TestHookLeases(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		h := &parley.HookSubscription{TenantID: "t1", Name: "crm", URL: "https://crm.example.com/in", Secret: "s", Events: []string{"*"}, Active: true}
		must(t, s.CreateHook(ctx, h))
		if err := s.CreateHook(ctx, &parley.HookSubscription{TenantID: "t1", Name: "crm", URL: "https://x.example", Secret: "s", Active: true}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("same name again: %v, want ECONFLICT", err)
		}
		now := time.Now()
		if got, err := s.LeaseDueHooks(ctx, "node-a", now, now.Add(time.Minute), 10); err != nil || len(got) != 0 {
			t.Fatalf("due with no events = %d, %v; want none", len(got), err)
		}
		e := &parley.Event{TenantID: "t1", Type: parley.EventMessage, Data: json.RawMessage(`{}`), Hook: parley.HookMessageCreated}
		must(t, s.AppendEvent(ctx, e))
		if got, _ := s.EventsAfter(ctx, "t1", 0, 10); len(got) != 1 || got[0].Hook != parley.HookMessageCreated {
			t.Fatalf("stored event = %+v, want its hook kept", got)
		}
		a, err := s.LeaseDueHooks(ctx, "node-a", now, now.Add(time.Minute), 10)
		must(t, err)
		if len(a) != 1 || a[0].ID != h.ID {
			t.Fatalf("node-a leased %d, want the webhook", len(a))
		}
		if b, _ := s.LeaseDueHooks(ctx, "node-b", now, now.Add(time.Minute), 10); len(b) != 0 {
			t.Fatalf("node-b leased a held webhook")
		}
		// The lease runs out: node-b takes over; node-a's late result is refused.
		later := now.Add(2 * time.Minute)
		b, err := s.LeaseDueHooks(ctx, "node-b", later, later.Add(time.Minute), 10)
		must(t, err)
		if len(b) != 1 {
			t.Fatalf("node-b after expiry leased %d, want 1", len(b))
		}
		a[0].Cursor = e.ID
		if held, err := s.AdvanceHook(ctx, "node-a", a[0], &parley.HookDelivery{EventID: e.ID, EventType: "message.created", Attempt: 1, StatusCode: 200}); err != nil || held {
			t.Fatalf("node-a advanced after losing the lease: held=%v err=%v", held, err)
		}
		b[0].Cursor, b[0].LastSuccessAt = e.ID, later
		d := &parley.HookDelivery{EventID: e.ID, EventType: "message.created", Attempt: 1, StatusCode: 200, Duration: 3 * time.Millisecond, CreatedAt: later}
		if held, err := s.AdvanceHook(ctx, "node-b", b[0], d); err != nil || !held {
			t.Fatalf("node-b advance: held=%v err=%v", held, err)
		}
		must(t, s.ReleaseHook(ctx, h.ID, "node-b"))
		if got, _ := s.LeaseDueHooks(ctx, "node-a", later, later.Add(time.Minute), 10); len(got) != 0 {
			t.Errorf("due with the cursor at the newest event = %d, want none", len(got))
		}
		log, err := s.HookDeliveries(ctx, "t1", h.ID, 0, 10)
		must(t, err)
		if len(log) != 1 || log[0].StatusCode != 200 || log[0].Duration != 3*time.Millisecond || !log[0].Delivered() {
			t.Errorf("delivery log = %+v, want node-b's one delivery", log)
		}
		// A stale edit is refused.
		cur, err := s.Hook(ctx, "t1", h.ID)
		must(t, err)
		cur.Name = "crm2"
		must(t, s.UpdateHook(ctx, cur))
		cur.Version--
		if err := s.UpdateHook(ctx, cur); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("stale update: %v, want ECONFLICT", err)
		}
		if _, err := s.Hook(ctx, "t2", h.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("another tenant's read: %v, want ENOTFOUND", err)
		}
	})
}
