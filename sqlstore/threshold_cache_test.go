package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestThresholdsReadOnceAndFreshAfterChange: recording a reply's fact
// reads the tenant's thresholds once, not for every message, and a
// threshold change applies to the very next chat: of two chats answered
// 1 s after queueing, the one before the service level went from 2 s to
// 500 ms is within it, the one after is not.
func TestThresholdsReadOnceAndFreshAfterChange(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		sqlstore.HoldThresholds(s)
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t1", Name: "t1"}))
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		th := parley.ServiceThresholds{ServiceID: svc.ID, ServiceLevel: 2 * time.Second, ServiceLevelTarget: 80, Dropout: time.Second, ChatTimeLimit: time.Hour}
		must(t, s.SetServiceThresholds(ctx, th))
		bob := readyAgent(t, s, "t1", "bob")

		answered := func(sec int) *parley.Chat {
			t.Helper()
			c := queuedChat(t, s, "t1", svc.ID, 0, at(sec))
			must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: bob.ID, OfferedAt: at(sec + 1)}, 3, true))
			return c
		}
		reply := func(c *parley.Chat, sec int) int64 {
			t.Helper()
			before := s.Queries()
			must(t, s.AddMessage(ctx, &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent,
				AgentID: bob.ID, Kind: parley.KindText, Text: "x", CreatedAt: at(sec)}))
			return s.Queries() - before
		}

		first := answered(1)
		reply(first, 3)
		warm := reply(first, 4)
		th.ServiceLevel = 500 * time.Millisecond
		must(t, s.SetServiceThresholds(ctx, th))
		if n := reply(first, 5); n != warm+1 {
			t.Errorf("the reply after a threshold change ran %d statements, want %d (the thresholds read again)", n, warm+1)
		}
		if n := reply(first, 6); n != warm {
			t.Errorf("the next reply ran %d statements, want %d (the thresholds kept)", n, warm)
		}
		answered(10)

		sr, err := s.ServiceReports(ctx, "t1", at(0), at(3600), svc.ID)
		must(t, err)
		if c := sr[0].Counters; c.Answered != 2 || c.AnsweredInSL != 1 {
			t.Errorf("answered %d, %d within the service level; want 2, 1 (the second chat counted with the new 500 ms)", c.Answered, c.AnsweredInSL)
		}
	})
}
