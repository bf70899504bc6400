package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestConferenceGuestIdleTime: a guest is not idle while she takes part in
// a conference; her idle time starts when her part ends, however it ends,
// unless she still holds another chat.
func TestConferenceGuestIdleTime(t *testing.T) {
	cases := []struct {
		name      string
		end       func(s *sqlstore.Store, chatID, guestID, serviceID string) error
		ownsChat  bool // the guest also owns a chat of her own
		wantIdle  bool
		wantSince time.Time
	}{
		{"guest leaves", func(s *sqlstore.Store, c, g, _ string) error { return s.RemoveParticipant(ctx, c, g, at(10)) }, false, true, at(10)},
		{"chat closed", func(s *sqlstore.Store, c, _, _ string) error { return s.CloseChat(ctx, c, at(10)) }, false, true, at(10)},
		{"chat transferred", func(s *sqlstore.Store, c, _, svc string) error { return s.TransferChat(ctx, c, svc, "", "", at(10)) }, false, true, at(10)},
		{"chat back to the bot", func(s *sqlstore.Store, c, _, _ string) error { return s.ReleaseChat(ctx, c, at(10)) }, false, true, at(10)},
		{"guest leaves but owns another chat", func(s *sqlstore.Store, c, g, _ string) error { return s.RemoveParticipant(ctx, c, g, at(10)) }, true, false, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
				own := 0
				if tc.ownsChat {
					own = 1
				}
				svc, guest, c := conferenceSetup(t, s, own)

				must(t, s.AddParticipant(ctx, c.ID, guest.ID, 3, at(3)))
				if u, err := s.User(ctx, guest.ID); err != nil || !u.IdleSince.IsZero() {
					t.Fatalf("guest in a conference: idle since %v (err %v), want not idle", u.IdleSince, err)
				}
				// Going Ready again during the conference does not make her idle.
				must(t, s.SetAgentStatus(ctx, guest.ID, parley.StateReady, "", time.Time{}, at(4)))
				if u, _ := s.User(ctx, guest.ID); !u.IdleSince.IsZero() {
					t.Fatalf("guest idle since %v after Ready during the conference", u.IdleSince)
				}

				must(t, tc.end(s, c.ID, guest.ID, svc.ID))
				u, err := s.User(ctx, guest.ID)
				must(t, err)
				if tc.wantIdle != !u.IdleSince.IsZero() || (tc.wantIdle && !u.IdleSince.Equal(tc.wantSince)) {
					t.Fatalf("guest idle since %v, want idle %v since %v", u.IdleSince, tc.wantIdle, tc.wantSince)
				}
			})
		})
	}
}

// TestAddParticipantChecksGuest: a guest joins like an assignment: Ready
// and within capacity (conferences, chats and offers all count).
func TestAddParticipantChecksGuest(t *testing.T) {
	cases := []struct {
		name     string
		state    string
		capacity int
		ownChats int
		want     string
	}{
		{"ready with room", parley.StateReady, 2, 1, ""},
		{"ready but full", parley.StateReady, 1, 1, parley.ECONFLICT},
		{"not ready", parley.StateNotReady, 3, 0, parley.ECONFLICT},
		{"offline", parley.StateOffline, 3, 0, parley.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
				_, guest, c := conferenceSetup(t, s, tc.ownChats)
				must(t, s.SetAgentStatus(ctx, guest.ID, tc.state, "", time.Time{}, at(3)))
				wantCode(t, s.AddParticipant(ctx, c.ID, guest.ID, tc.capacity, at(4)), tc.want)
			})
		})
	}
}

// conferenceSetup makes a service with a chat assigned to a Ready owner,
// and a Ready guest who holds ownChats chats of her own.
func conferenceSetup(t *testing.T, s *sqlstore.Store, ownChats int) (*parley.Service, *parley.User, *parley.Chat) {
	t.Helper()
	svc := &parley.Service{TenantID: "t1", Name: "support"}
	must(t, s.UpsertService(ctx, svc))
	assign := func(agent *parley.User) *parley.Chat {
		c := queuedChat(t, s, "t1", svc.ID, 0, at(1))
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: agent.ID, OfferedAt: at(2)}, 3, true))
		return c
	}
	owner := readyAgent(t, s, "t1", "owner")
	guest := readyAgent(t, s, "t1", "guest")
	c := assign(owner)
	for range ownChats {
		assign(guest)
	}
	return svc, guest, c
}
