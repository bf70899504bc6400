package conversation

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// supervisorFixture fills a rig with chats in every state the supervisor
// page shows: waiting, offered, assigned with a conference guest and an
// agent's reply, transferred with a note, and closed.
func supervisorFixture(t *testing.T, r *rig, s *Service) {
	t.Helper()
	alice, bob := r.agents["alice"], r.agents["bob"]
	for _, u := range []*parley.User{alice, bob} {
		_, err := s.SetAgentStatus(r.ctx, u, parley.StateReady, "")
		must(t, err)
	}
	r.arriveOn(s, 1)
	offered := r.arriveOn(s, 0)
	must(t, r.st.OfferChat(r.ctx, &parley.Offer{ChatID: offered.ID, TenantID: parley.DefaultTenant, AgentID: bob.ID,
		ServiceID: r.service.ID, OfferedAt: r.clock.Now(), ExpiresAt: r.clock.Now().Add(time.Minute), Decision: `{"reason":"x"}`}, 5, false))
	assigned := r.arriveOn(s, 0)
	must(t, r.st.OfferChat(r.ctx, &parley.Offer{ChatID: assigned.ID, TenantID: parley.DefaultTenant, AgentID: alice.ID,
		ServiceID: r.service.ID, OfferedAt: r.clock.Now(), Decision: `{"reason":"y"}`}, 5, true))
	must(t, r.st.AddParticipant(r.ctx, assigned.ID, bob.ID, 5, r.clock.Now()))
	must(t, r.st.AddMessage(r.ctx, &parley.Message{ChatID: assigned.ID, Direction: parley.Inbound, Kind: parley.KindText, Text: "hi"}))
	must(t, r.st.AddMessage(r.ctx, &parley.Message{ChatID: assigned.ID, Direction: parley.Outbound, Sender: "agent",
		AgentID: alice.ID, Kind: parley.KindText, Text: "hello"}))
	moved := r.arriveOn(s, 3)
	must(t, r.st.OfferChat(r.ctx, &parley.Offer{ChatID: moved.ID, TenantID: parley.DefaultTenant, AgentID: bob.ID,
		ServiceID: r.service.ID, OfferedAt: r.clock.Now()}, 5, true))
	must(t, r.st.TransferChat(r.ctx, moved.ID, r.service.ID, "", "over to you", r.clock.Now()))
	closed := r.arriveOn(s, 0)
	must(t, r.st.CloseChat(r.ctx, closed.ID, r.clock.Now()))
}

// TestSupervisorViewSameJSON: the view built from Store.OpenChats is the
// JSON the per-chat view gave, on both databases.
func TestSupervisorViewSameJSON(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 5, "bob": 5})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		supervisorFixture(t, r, s)
		sup := &parley.User{TenantID: parley.DefaultTenant, Role: parley.RoleSupervisor}
		want, err := s.supervisorPerChat(r.ctx, sup)
		must(t, err)
		before := st.Queries()
		got, err := s.Supervisor(r.ctx, sup)
		must(t, err)
		queries := st.Queries() - before
		wj, _ := json.MarshalIndent(want, "", " ")
		gj, _ := json.MarshalIndent(got, "", " ")
		if string(wj) != string(gj) {
			t.Fatalf("Supervisor JSON =\n%s\nwant\n%s", gj, wj)
		}
		if len(got.Chats) != 4 || got.Chats[0].LastMessage != nil && got.Chats[0].State != parley.ChatQueued {
			t.Fatalf("chats = %d", len(got.Chats))
		}
		// Adding chats and agents adds no query.
		supervisorFixture(t, r, s)
		before = st.Queries()
		_, err = s.Supervisor(r.ctx, sup)
		must(t, err)
		if more := st.Queries() - before; more != queries {
			t.Fatalf("Supervisor ran %d queries with twice the chats, %d before", more, queries)
		}
		t.Logf("Supervisor: %d queries", queries)
	})
}
