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

// TestViewChatsMatchViewChat: the views a routing batch builds with a few
// statements for all its chats are the views ViewChat builds one by one,
// whatever the chats' messages and conference guests.
func TestViewChatsMatchViewChat(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		// No node runs: nothing changes the chats between the two reads.
		r := newRig(t, st, parley.ServiceRouting{AutoAccept: true}, map[string]int{"alice": 5, "bob": 5})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		for _, u := range r.agents {
			_, err := s.SetAgentStatus(r.ctx, u, parley.StateReady, "")
			must(t, err)
		}
		say := func(c *parley.Chat, sender, kind, text string) {
			m := &parley.Message{TenantID: c.TenantID, ChatID: c.ID, Direction: parley.Inbound, Sender: sender, Kind: kind, Text: text, Status: parley.MsgReceived}
			if sender != parley.SenderCustomer {
				m.Direction, m.Status = parley.Outbound, parley.MsgSent
			}
			if sender == parley.SenderAgent {
				m.AgentID = r.agents["alice"].ID
			}
			must(t, st.AddMessage(r.ctx, m))
		}
		cases := map[string]func(c *parley.Chat){
			"no messages": func(*parley.Chat) {},
			"the customer wrote last": func(c *parley.Chat) {
				say(c, parley.SenderBot, parley.KindText, "hi")
				say(c, parley.SenderCustomer, parley.KindText, "help")
			},
			"the bot wrote last": func(c *parley.Chat) {
				say(c, parley.SenderCustomer, parley.KindText, "help")
				say(c, parley.SenderBot, parley.KindText, "wait")
			},
			"only the bot wrote": func(c *parley.Chat) { say(c, parley.SenderBot, parley.KindText, "hello") },
			"an event last": func(c *parley.Chat) {
				say(c, parley.SenderCustomer, parley.KindText, "help")
				say(c, parley.SenderCustomer, parley.KindEvent, "typing")
			},
			"an agent wrote last": func(c *parley.Chat) {
				say(c, parley.SenderCustomer, parley.KindText, "help")
				say(c, parley.SenderAgent, parley.KindText, "here")
			},
		}
		var ids []string
		for name, setup := range cases {
			c := r.arriveOn(s, 0)
			setup(c)
			agent := r.agents[[]string{"alice", "bob"}[len(ids)%2]]
			must(t, st.OfferChat(r.ctx, &parley.Offer{ChatID: c.ID, TenantID: c.TenantID, AgentID: agent.ID, OfferedAt: r.clock.Now()}, 5, true))
			ids = append(ids, c.ID)
			t.Logf("%s: %s", c.ID, name)
		}
		// A conference guest on one chat.
		guestChat := r.chat(ids[0])
		guest := r.agents["bob"]
		if guestChat.AgentID == guest.ID {
			guest = r.agents["alice"]
		}
		must(t, st.AddParticipant(r.ctx, guestChat.ID, guest.ID, 5, r.clock.Now()))
		r.clock.Advance(time.Second)

		chats, views, err := s.viewChats(r.ctx, append(ids, "no-such-chat"))
		must(t, err)
		if len(views) != len(ids) || len(chats) != len(ids) {
			t.Fatalf("%d views of %d chats, want %d", len(views), len(chats), len(ids))
		}
		for _, id := range ids {
			want, err := s.ViewChat(r.ctx, r.chat(id))
			must(t, err)
			got, _ := json.Marshal(views[id])
			wantJSON, _ := json.Marshal(want)
			if string(got) != string(wantJSON) {
				t.Errorf("chat %s:\n batch  %s\n single %s", id, got, wantJSON)
			}
		}
		if len(views[guestChat.ID].Participants) != 1 || views[guestChat.ID].Participants[0] != guest.ID {
			t.Fatalf("guest chat's participants = %v, want [%s]", views[guestChat.ID].Participants, guest.ID)
		}
	})
}
