package sqlstore_test

import (
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

var chatSeq atomic.Int64

// newChat creates a bot chat for a new customer id.
func newChat(t *testing.T, s *sqlstore.Store, tenant string) *parley.Chat {
	t.Helper()
	c := &parley.Chat{TenantID: tenant, AccountID: "a1", CustomerID: fmt.Sprintf("cust-%d", chatSeq.Add(1))}
	must(t, s.CreateChat(ctx, c))
	return c
}

// queuedChat creates a chat queued in service svc.
func queuedChat(t *testing.T, s *sqlstore.Store, tenant, svc string, prio int, when time.Time) *parley.Chat {
	t.Helper()
	c := newChat(t, s, tenant)
	must(t, s.EnqueueChat(ctx, c.ID, svc, prio, when))
	return c
}

func readyAgent(t *testing.T, s *sqlstore.Store, tenant, name string) *parley.User {
	t.Helper()
	u := newAgent(t, s, tenant, name)
	must(t, setState(s, u.ID, parley.StateReady, at(0)))
	return u
}

// setState sets an agent's state without a reason or wrap-up.
func setState(s *sqlstore.Store, id, state string, when time.Time) error {
	return s.SetAgentStatus(ctx, id, state, "", time.Time{}, when)
}

// assign offers a queued chat to the agent with immediate accept: the
// production path, with its capacity rule.
func assign(s *sqlstore.Store, chatID, agentID string, capacity int, when time.Time) error {
	return s.OfferChat(ctx, &parley.Offer{ChatID: chatID, AgentID: agentID, OfferedAt: when}, capacity, true)
}

func chatState(t *testing.T, s *sqlstore.Store, id string) *parley.Chat {
	t.Helper()
	c, err := s.Chat(ctx, id)
	must(t, err)
	return c
}

func TestChatCRUD(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := &parley.Chat{TenantID: "t1", AccountID: "a1", CustomerID: "c1", EntryID: "e1", CreatedAt: at(0),
			Scenario: parley.ScenarioPosition{Name: "welcome", Version: 2, Block: "b1"}}
		must(t, s.CreateChat(ctx, c))
		if c.ID == "" || c.State != parley.ChatBot || !c.CreatedAt.Equal(at(0)) {
			t.Fatalf("CreateChat: %+v", c)
		}
		got := chatState(t, s, c.ID)
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("Chat = %+v\nwant %+v", got, c)
		}
		noTime := &parley.Chat{TenantID: "t3", CustomerID: "c9"}
		must(t, s.CreateChat(ctx, noTime))
		if noTime.CreatedAt.IsZero() || noTime.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt = %v", noTime.CreatedAt)
		}
		older := &parley.Chat{TenantID: "t1", CustomerID: "c8", CreatedAt: at(-10)}
		must(t, s.CreateChat(ctx, older))

		open, err := s.OpenChat(ctx, "c1")
		must(t, err)
		if open.ID != c.ID {
			t.Fatal("OpenChat returned another chat")
		}
		// One open chat per customer.
		wantCode(t, s.CreateChat(ctx, &parley.Chat{TenantID: "t1", CustomerID: "c1"}), parley.ECONFLICT)

		pos := parley.ScenarioPosition{Name: "welcome", Version: 2, Block: "ask", Waiting: "reply",
			WakeAt: at(30), Vars: map[string]string{"lang": "en", "n": "1"}}
		must(t, s.SaveScenario(ctx, c.ID, pos))
		got = chatState(t, s, c.ID)
		if !reflect.DeepEqual(got.Scenario, pos) {
			t.Fatalf("Scenario = %+v, want %+v", got.Scenario, pos)
		}
		wantCode(t, s.SaveScenario(ctx, "nope", pos), parley.ENOTFOUND)

		must(t, s.CloseChat(ctx, c.ID, at(40)))
		must(t, s.CloseChat(ctx, c.ID, at(50))) // already closed: no change
		got = chatState(t, s, c.ID)
		if got.State != parley.ChatClosed || !got.ClosedAt.Equal(at(40)) {
			t.Fatalf("closed chat: %+v", got)
		}
		_, err = s.OpenChat(ctx, "c1")
		wantCode(t, err, parley.ENOTFOUND)
		c2 := &parley.Chat{TenantID: "t1", CustomerID: "c1", CreatedAt: at(60)}
		must(t, s.CreateChat(ctx, c2))
		wantCode(t, s.EnqueueChat(ctx, c.ID, "svc", 0, at(61)), parley.ECONFLICT)
		wantCode(t, s.ReleaseChat(ctx, c.ID, at(61)), parley.ECONFLICT)

		for _, op := range []func() error{
			func() error { _, err := s.Chat(ctx, "nope"); return err },
			func() error { return s.EnqueueChat(ctx, "nope", "svc", 0, at(1)) },
			func() error { return s.ReleaseChat(ctx, "nope", at(1)) },
			func() error { return s.CloseChat(ctx, "nope", at(1)) },
		} {
			wantCode(t, op(), parley.ENOTFOUND)
		}

		must(t, s.CreateChat(ctx, &parley.Chat{TenantID: "t2", CustomerID: "c3"}))
		tests := []struct {
			name string
			f    parley.ChatFilter
			want []string
		}{
			{"tenant newest first", parley.ChatFilter{TenantID: "t1"}, []string{c2.ID, c.ID, older.ID}},
			{"customer", parley.ChatFilter{CustomerID: "c1"}, []string{c2.ID, c.ID}},
			{"states", parley.ChatFilter{TenantID: "t1", States: []string{parley.ChatClosed, parley.ChatQueued}}, []string{c.ID}},
			{"limit", parley.ChatFilter{TenantID: "t1", Limit: 1}, []string{c2.ID}},
			{"agent", parley.ChatFilter{AgentID: "nobody"}, nil},
		}
		for _, tt := range tests {
			cs, err := s.Chats(ctx, tt.f)
			must(t, err)
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Fatalf("%s: got %v, want %v", tt.name, ids, tt.want)
			}
		}
	})
}

func TestQueue(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		a := queuedChat(t, s, "t1", "svc", 0, at(10))
		b := queuedChat(t, s, "t1", "svc", 0, at(20))
		hi := queuedChat(t, s, "t1", "svc", 5, at(30))
		c := queuedChat(t, s, "t1", "svc", 0, at(5))
		queuedChat(t, s, "t2", "svc", 9, at(1)) // other tenant
		newChat(t, s, "t1")                     // not queued

		order := func() []string {
			t.Helper()
			q, err := s.Queue(ctx, "t1")
			must(t, err)
			var ids []string
			for _, c := range q {
				ids = append(ids, c.ID)
			}
			return ids
		}
		if got, want := order(), []string{hi.ID, c.ID, a.ID, b.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("queue = %v, want %v", got, want)
		}

		// a goes back to the bot and is queued again later: it keeps its place.
		must(t, s.ReleaseChat(ctx, a.ID, at(40)))
		if got := order(); len(got) != 3 {
			t.Fatalf("released chat still queued: %v", got)
		}
		must(t, s.EnqueueChat(ctx, a.ID, "svc2", 0, at(50)))
		got := chatState(t, s, a.ID)
		if !got.QueuedAt.Equal(at(10)) || got.ServiceID != "svc2" || got.State != parley.ChatQueued {
			t.Fatalf("re-enqueued chat: %+v", got)
		}
		if got, want := order(), []string{hi.ID, c.ID, a.ID, b.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("queue after re-enqueue = %v, want %v", got, want)
		}
		// Raising the priority moves it ahead.
		must(t, s.EnqueueChat(ctx, b.ID, "svc", 9, at(60)))
		if got, want := order(), []string{b.ID, hi.ID, c.ID, a.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("queue after priority change = %v, want %v", got, want)
		}
	})
}
