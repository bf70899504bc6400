package conversation

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestViewMessagesNamesEachAgentOnce: a transcript's views carry every
// agent's name, read once per agent however many messages they wrote
// (before, each agent message cost a user lookup: opening a long chat in
// the desktop ran one per reply).
func TestViewMessagesNamesEachAgentOnce(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 5, "bob": 5})
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
		c := r.arriveOn(s, 0)
		var msgs []*parley.Message
		say := func(agent, text string) {
			m := &parley.Message{TenantID: c.TenantID, ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
				Kind: parley.KindText, Text: text, Status: parley.MsgReceived}
			if agent != "" {
				m.Direction, m.Sender, m.Status, m.AgentID = parley.Outbound, parley.SenderAgent, parley.MsgSent, r.agents[agent].ID
			}
			must(t, st.AddMessage(r.ctx, m))
			msgs = append(msgs, m)
		}
		for i := range 20 {
			say("", "question")
			say([]string{"alice", "bob"}[i%2], "answer")
		}

		before := st.Queries()
		views := s.ViewMessages(r.ctx, msgs)
		if n := st.Queries() - before; n != 2 {
			t.Errorf("views of 40 messages by 2 agents ran %d statements, want 2 (one per agent)", n)
		}
		for i, v := range views {
			want := ""
			if msgs[i].AgentID != "" {
				want = []string{"alice", "bob"}[(i/2)%2]
			}
			if v.AgentName != want || v.ID != msgs[i].ID || v.Text != msgs[i].Text {
				t.Errorf("view %d = %s %q by %q, want %s %q by %q", i, v.ID, v.Text, v.AgentName, msgs[i].ID, msgs[i].Text, want)
			}
		}
		if one := s.ViewMessage(r.ctx, msgs[1]); one.AgentName != "alice" {
			t.Errorf("ViewMessage names %q, want alice", one.AgentName)
		}
	})
}
