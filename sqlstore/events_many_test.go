package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestAppendEvents: events appended together get ids in the order given
// within each tenant, and read back as written.
func TestAppendEvents(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.AppendEvent(ctx, &parley.Event{TenantID: "t1", Type: parley.EventMessage, ChatID: "before"}))
		var es []*parley.Event
		for i := range 12 {
			tenant := []string{"t1", "t2"}[i%3/2] // t1, t1, t2, …
			es = append(es, &parley.Event{TenantID: tenant, Type: parley.EventOfferCreated, ChatID: fmt.Sprintf("c%d", i),
				AgentID: "u1", Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)), Hook: "chat.offered"})
		}
		es[0].CreatedAt = at(5)
		must(t, s.AppendEvents(ctx, es))
		must(t, s.AppendEvents(ctx, nil))
		for _, tenant := range []string{"t1", "t2"} {
			var want []*parley.Event
			for _, e := range es {
				if e.TenantID == tenant {
					want = append(want, e)
				}
			}
			got, err := s.EventsAfter(ctx, tenant, 0, 100)
			must(t, err)
			if tenant == "t1" {
				got = got[1:] // "before"
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d events, want %d", tenant, len(got), len(want))
			}
			for i, e := range got {
				w := want[i]
				if e.ID != w.ID || e.ChatID != w.ChatID || string(e.Data) != string(w.Data) || e.Hook != w.Hook || !e.CreatedAt.Equal(w.CreatedAt) {
					t.Fatalf("%s event %d = %+v, want %+v", tenant, i, e, w)
				}
				if i > 0 && e.ID <= got[i-1].ID {
					t.Fatalf("%s: ids out of order: %d after %d", tenant, e.ID, got[i-1].ID)
				}
			}
		}
		if !es[0].CreatedAt.Equal(at(5)) || es[1].CreatedAt.IsZero() {
			t.Fatalf("created: %v, %v", es[0].CreatedAt, es[1].CreatedAt)
		}
	})
}

// TestClaimChatRuns: claiming several chats at once gives those nobody
// else holds; SQLite (one node) gives them all.
func TestClaimChatRuns(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		pg := s.Dialect() != "sqlite"
		if ok, err := s.ClaimChatRun(ctx, "chat-2", "b", time.Minute); err != nil || !ok {
			t.Fatalf("b claims chat-2: %v %v", ok, err)
		}
		got, err := s.ClaimChatRuns(ctx, []string{"chat-3", "chat-1", "chat-2", "chat-1"}, "a", time.Minute)
		must(t, err)
		want := []string{"chat-1", "chat-3"}
		if !pg {
			want = []string{"chat-1", "chat-2", "chat-3"}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("a claims %v, want %v", got, want)
		}
		if ok, err := s.ClaimChatRun(ctx, "chat-1", "b", time.Minute); err != nil || ok != !pg {
			t.Fatalf("b claims a's chat-1: %v %v", ok, err)
		}
		must(t, s.ReleaseChatRuns(ctx, []string{"chat-1", "chat-2", "chat-3"}, "a")) // chat-2 is b's: kept
		if ok, err := s.ClaimChatRun(ctx, "chat-1", "b", time.Minute); err != nil || !ok {
			t.Fatalf("b claims released chat-1: %v %v", ok, err)
		}
		if ok, err := s.ClaimChatRun(ctx, "chat-2", "c", time.Minute); err != nil || ok != !pg {
			t.Fatalf("c claims b's chat-2 after a's release: %v %v", ok, err)
		}
	})
}
