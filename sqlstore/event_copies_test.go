package sqlstore_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestAnnouncedEventCopiedForGuests: the event that announces a stored
// message, or a chat's event appended alone (AppendChatEvent), is stored
// in the same transaction as a copy for each of the chat's conference
// guests but its own agent; copies carry no hook, so integrators hear of
// the message once.
func TestAnnouncedEventCopiedForGuests(t *testing.T) {
	cases := []struct {
		name       string
		guest      bool   // the guest has joined the chat
		eventAgent string // "owner", "guest" or "" (the customer's message)
		eventType  string
		wantCopies []string // agents the copies are for
	}{
		{"no guest", false, "owner", parley.EventMessage, nil},
		{"owner's message", true, "owner", parley.EventMessage, []string{"guest"}},
		{"customer's message", true, "", parley.EventMessage, []string{"guest"}},
		{"guest's own message", true, "guest", parley.EventMessage, nil},
		{"closed chat's event", true, "owner", parley.EventChatClosed, nil},
	}
	for _, tc := range cases {
		for _, alone := range []bool{false, true} {
			name := tc.name + ", with its message"
			if alone {
				name = tc.name + ", alone"
			}
			t.Run(name, func(t *testing.T) {
				sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
					_, guest, c := conferenceSetup(t, s, 0)
					chat, err := s.Chat(ctx, c.ID)
					must(t, err)
					if tc.guest {
						must(t, s.AddParticipant(ctx, c.ID, guest.ID, 3, at(3)))
					}
					ids := map[string]string{"owner": chat.AgentID, "guest": guest.ID, "": ""}
					names := map[string]string{chat.AgentID: "owner", guest.ID: "guest"}
					before, err := s.LastEventID(ctx, "t1")
					must(t, err)

					announce := func(m *parley.Message) *parley.Event {
						return &parley.Event{TenantID: "t1", Type: tc.eventType, ChatID: m.ChatID, AgentID: ids[tc.eventAgent],
							Data: json.RawMessage(`{"id":"` + m.ID + `"}`), Hook: parley.HookMessageCreated}
					}
					var e *parley.Event
					if alone {
						e = announce(&parley.Message{ID: "m1", ChatID: c.ID})
						must(t, s.AppendChatEvent(ctx, e))
					} else {
						m := &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent, AgentID: ids[tc.eventAgent],
							Kind: parley.KindText, Text: "hello", Status: parley.MsgPending}
						e, err = s.AddMessageAnnounced(ctx, m, announce)
						must(t, err)
					}

					var copies []string
					for _, cp := range e.Copies {
						copies = append(copies, names[cp.AgentID])
					}
					if !slices.Equal(copies, tc.wantCopies) {
						t.Fatalf("copies for %v, want %v", copies, tc.wantCopies)
					}
					stored, err := s.EventsAfter(ctx, "t1", before, 10)
					must(t, err)
					if len(stored) != 1+len(tc.wantCopies) {
						t.Fatalf("stored %d events, want the event and %d copies", len(stored), len(tc.wantCopies))
					}
					if got := stored[0]; got.ID != e.ID || got.AgentID != e.AgentID || got.Hook != parley.HookMessageCreated || string(got.Data) != string(e.Data) {
						t.Fatalf("stored event %+v, want %+v with its hook", got, e)
					}
					for i, cp := range e.Copies {
						got := stored[1+i]
						if got.ID != cp.ID || got.ID <= e.ID || got.AgentID != cp.AgentID || got.Hook != "" || got.Type != tc.eventType ||
							got.ChatID != c.ID || string(got.Data) != string(e.Data) || !got.CreatedAt.Equal(e.CreatedAt) {
							t.Fatalf("stored copy %+v, want %+v after the event, without a hook", got, cp)
						}
					}
				})
			})
		}
	}
}
