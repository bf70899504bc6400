package sqlstore_test

import (
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestOpenChats: the one-query read of open chats returns, for each open
// chat, what the per-chat lookups (Chat, Customer, Service, ChatRouting,
// Offers, LastMessage, User) return, newest first, limited.
func TestOpenChats(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		cust, _, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "psid",
			FirstName: "Ann", LastName: "Lee", ProfilePic: "http://pic"})
		must(t, err)

		bot := newChat(t, s, "t1") // not open for the supervisor: bot
		waiting := queuedChat(t, s, "t1", svc.ID, 2, at(1))
		offered := queuedChat(t, s, "t1", svc.ID, 0, at(2))
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: offered.ID, TenantID: "t1", AgentID: bob.ID, ServiceID: svc.ID,
			OfferedAt: at(3), ExpiresAt: at(33), Decision: `{"reason":"offer"}`}, 3, false))
		assigned := &parley.Chat{TenantID: "t1", AccountID: "a1", CustomerID: cust.ID,
			Scenario: parley.ScenarioPosition{Vars: map[string]string{"name": "Ann"}}}
		must(t, s.CreateChat(ctx, assigned))
		must(t, s.EnqueueChat(ctx, assigned.ID, svc.ID, 0, at(4)))
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: assigned.ID, TenantID: "t1", AgentID: alice.ID, ServiceID: svc.ID,
			OfferedAt: at(5), Decision: `{"reason":"auto"}`}, 3, true))
		must(t, s.AddParticipant(ctx, assigned.ID, bob.ID, 3, at(6)))
		for i, m := range []*parley.Message{
			{ChatID: assigned.ID, Direction: parley.Inbound, Kind: parley.KindText, Text: "hi", CreatedAt: at(7)},
			{ChatID: assigned.ID, Direction: parley.Outbound, Sender: "agent", AgentID: alice.ID, Kind: parley.KindText,
				Text: "hello", CreatedAt: at(8)},
		} {
			must(t, s.AddMessage(ctx, m))
			if i == 0 {
				must(t, s.AddMessage(ctx, &parley.Message{ChatID: waiting.ID, Direction: parley.Inbound, Kind: parley.KindText,
					Text: "help", CreatedAt: at(7)}))
			}
		}
		closed := queuedChat(t, s, "t1", svc.ID, 0, at(9))
		must(t, s.CloseChat(ctx, closed.ID, at(10)))
		queuedChat(t, s, "t2", svc.ID, 0, at(11)) // another tenant

		got, err := s.OpenChats(ctx, "t1", 10)
		must(t, err)
		want, err := s.Chats(ctx, parley.ChatFilter{TenantID: "t1", States: []string{parley.ChatQueued, parley.ChatAssigned}})
		must(t, err)
		if len(got) != len(want) || len(got) != 3 {
			t.Fatalf("OpenChats = %d chats, want %d (3)", len(got), len(want))
		}
		for i, oc := range got {
			if oc.Chat.ID == bot.ID || oc.Chat.ID == closed.ID {
				t.Fatalf("chat %s is not open", oc.Chat.ID)
			}
			if !reflect.DeepEqual(oc.Chat, want[i]) {
				t.Fatalf("chat %d = %+v\nwant %+v", i, oc.Chat, want[i])
			}
			checkOpenChat(t, s, oc)
		}
		if got[0].Chat.ID != assigned.ID || got[0].LastMessage == nil || got[0].LastMessage.Text != "hello" ||
			got[0].LastAgentName != "alice" || got[0].Customer.FirstName != "Ann" || got[0].Routing == nil ||
			!reflect.DeepEqual(got[0].Routing.Participants, []string{bob.ID}) {
			t.Fatalf("assigned chat = %+v", got[0])
		}
		if got[1].Offer == nil || got[1].Offer.AgentID != bob.ID || got[2].LastMessage == nil || got[2].Routing != nil {
			t.Fatalf("queued chats = %+v, %+v", got[1], got[2])
		}
		if few, err := s.OpenChats(ctx, "t1", 2); err != nil || len(few) != 2 || few[1].Chat.ID != got[1].Chat.ID {
			t.Fatalf("OpenChats limit 2 = %d chats, %v", len(few), err)
		}
	})
}

// checkOpenChat compares one OpenChat with the per-chat lookups.
func checkOpenChat(t *testing.T, s *sqlstore.Store, oc *parley.OpenChat) {
	t.Helper()
	c := oc.Chat
	if cust, err := s.Customer(ctx, c.CustomerID); err == nil {
		want := parley.Customer{ID: cust.ID, TenantID: cust.TenantID, FirstName: cust.FirstName, LastName: cust.LastName, ProfilePic: cust.ProfilePic}
		if oc.Customer != want {
			t.Errorf("chat %s customer = %+v, want %+v", c.ID, oc.Customer, want)
		}
	} else if oc.Customer.ID != "" {
		t.Errorf("chat %s: customer %+v, none stored", c.ID, oc.Customer)
	}
	if sv, err := s.Service(ctx, c.ServiceID); err == nil && oc.ServiceName != sv.Name {
		t.Errorf("chat %s service = %q, want %q", c.ID, oc.ServiceName, sv.Name)
	}
	crs, err := s.ChatRoutings(ctx, c.TenantID)
	must(t, err)
	if !reflect.DeepEqual(oc.Routing, crs[c.ID]) {
		t.Errorf("chat %s routing = %+v, want %+v", c.ID, oc.Routing, crs[c.ID])
	}
	offers, err := s.Offers(ctx, c.TenantID)
	must(t, err)
	var offer *parley.Offer
	for _, o := range offers {
		if o.ChatID == c.ID {
			offer = o
		}
	}
	if !reflect.DeepEqual(oc.Offer, offer) {
		t.Errorf("chat %s offer = %+v, want %+v", c.ID, oc.Offer, offer)
	}
	last, err := s.LastMessage(ctx, c.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		if oc.LastMessage != nil {
			t.Errorf("chat %s last message = %+v, want none", c.ID, oc.LastMessage)
		}
		return
	}
	must(t, err)
	m := oc.LastMessage
	if m == nil || m.ID != last.ID || m.Seq != last.Seq || m.Text != last.Text || m.AgentID != last.AgentID ||
		m.Status != last.Status || !m.CreatedAt.Equal(last.CreatedAt) || m.Direction != last.Direction || m.Kind != last.Kind {
		t.Errorf("chat %s last message = %+v, want %+v", c.ID, m, last)
	}
}
