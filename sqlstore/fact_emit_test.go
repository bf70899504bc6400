package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestStateChangesRecordFacts: every state change of a chat records its
// fact in the same transaction (bot messages, the customer's later bot
// messages and closed chats record none), and the aggregates are counted
// with the service's stored thresholds: the rows equal a computation from
// the stored timeline.
func TestStateChangesRecordFacts(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t1", Name: "t1"}))
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		other := &parley.Service{TenantID: "t1", Name: "billing"}
		must(t, s.UpsertService(ctx, svc))
		must(t, s.UpsertService(ctx, other))
		th := parley.ServiceThresholds{ServiceID: svc.ID, ServiceLevel: 2 * time.Second, ServiceLevelTarget: 90, Dropout: time.Second, ChatTimeLimit: 3 * time.Second}
		must(t, s.SetServiceThresholds(ctx, th))
		wantCode(t, s.SetServiceThresholds(ctx, parley.ServiceThresholds{ServiceID: svc.ID}), parley.EINVALID)
		alice := readyAgent(t, s, "t1", "alice")
		bob := readyAgent(t, s, "t1", "bob")
		c := newChat(t, s, "t1")
		msg := func(sec int, dir, sender, agent string) {
			t.Helper()
			must(t, s.AddMessage(ctx, &parley.Message{ChatID: c.ID, Direction: dir, Sender: sender, AgentID: agent, Kind: parley.KindText, Text: "x", CreatedAt: at(sec)}))
		}
		msg(1, parley.Inbound, parley.SenderCustomer, "")   // customer_message
		msg(2, parley.Outbound, parley.SenderBot, "")       // none
		msg(3, parley.Inbound, parley.SenderCustomer, "")   // none: the bot's part, not the first
		must(t, s.EnqueueChat(ctx, c.ID, svc.ID, 0, at(4))) // entered_queue
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: alice.ID, OfferedAt: at(5), ExpiresAt: at(9)}, 3, false))
		must(t, s.EndOffer(ctx, c.ID, alice.ID, true))                                                                        // none
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: bob.ID, OfferedAt: at(6)}, 3, false))   // offered
		must(t, s.AcceptOffer(ctx, c.ID, bob.ID, at(7)))                                                                      // accepted
		msg(8, parley.Outbound, parley.SenderAgent, bob.ID)                                                                   // first_agent_reply
		msg(9, parley.Inbound, parley.SenderCustomer, "")                                                                     // customer_message
		msg(10, parley.Outbound, parley.SenderAgent, bob.ID)                                                                  // agent_reply
		must(t, s.AddParticipant(ctx, c.ID, alice.ID, 3, at(11)))                                                             // conference_joined
		must(t, s.TransferChat(ctx, c.ID, other.ID, "", "", at(12)))                                                          // transferred, entered_queue
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: alice.ID, OfferedAt: at(13)}, 3, true)) // offered, accepted
		must(t, s.RequeueChat(ctx, c.ID, "", at(14)))                                                                         // agent_left, entered_queue
		must(t, s.CloseChat(ctx, c.ID, at(20)))                                                                               // closed
		msg(21, parley.Inbound, parley.SenderCustomer, "")                                                                    // none: closed

		got, err := s.ChatFacts(ctx, "t1", c.ID)
		must(t, err)
		wantKinds(t, got, parley.FactCustomerMessage, parley.FactEnteredQueue, parley.FactOffered, parley.FactOffered,
			parley.FactAccepted, parley.FactFirstAgentReply, parley.FactCustomerMessage, parley.FactAgentReply,
			parley.FactConferenceJoined, parley.FactTransferred, parley.FactEnteredQueue, parley.FactOffered,
			parley.FactAccepted, parley.FactAgentLeft, parley.FactEnteredQueue, parley.FactClosed)
		if got[9].TargetService != other.ID || got[9].AgentID != bob.ID || got[10].ServiceID != other.ID || got[13].AgentID != alice.ID {
			t.Errorf("transfer facts: %v", got[9:14])
		}

		q := queuedChat(t, s, "t1", svc.ID, 0, at(30))
		must(t, s.AbandonChat(ctx, q.ID, at(30))) // abandoned, closed: short (0 s < 1 s)

		stored, err := s.FactsBetween(ctx, "t1", at(0), at(100))
		must(t, err)
		ts, err := s.ServiceThresholds(ctx, "t1")
		must(t, err)
		if ts[svc.ID] != th {
			t.Fatalf("thresholds = %+v", ts)
		}
		want := metrics.RowsFromFacts(stored, sqlstore.MetricConfig(ts))
		rows, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: "t1", From: at(0), To: at(3600)})
		must(t, err)
		agents, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: "t1", From: at(0), To: at(3600), Agents: true})
		must(t, err)
		rows = append(rows, agents...)
		metrics.SortRows(rows)
		if len(rows) != len(want) {
			t.Fatalf("rows %v, want %v", rows, want)
		}
		for i := range want {
			if rows[i].Key.ServiceID != want[i].Key.ServiceID || rows[i].Key.AgentID != want[i].Key.AgentID || rows[i].Counters != want[i].Counters {
				t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
			}
		}
		sr, err := s.ServiceReports(ctx, "t1", at(0), at(3600), svc.ID)
		must(t, err)
		// support: offered 2 (the chat, the abandoned one), answered 1 at 3 s > T 2 s,
		// short-abandoned 1; bob's segment 7→12 s over the 3 s limit.
		c0 := sr[0].Counters
		if c0.Offered != 2 || c0.Answered != 1 || c0.AnsweredInSL != 0 || c0.ShortAbandoned != 1 || c0.OverLimit != 1 ||
			c0.FirstResponses != 1 || c0.FirstResponseMicros != (time.Second).Microseconds() || c0.Transfers != 1 {
			t.Errorf("support = %+v", c0)
		}
	})
}

// TestBargeRepliesAreNoAgentWork: a supervisor who barged in writes to the
// customer, then the agent answers: the supervisor's message records no
// fact, and the agent's answer is still the chat's first agent reply.
func TestBargeRepliesAreNoAgentWork(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t1", Name: "t1"}))
		svc := &parley.Service{TenantID: "t1", Name: "support"}
		must(t, s.UpsertService(ctx, svc))
		bob := readyAgent(t, s, "t1", "bob")
		sam := readyAgent(t, s, "t1", "sam")
		c := newChat(t, s, "t1")
		must(t, s.EnqueueChat(ctx, c.ID, svc.ID, 0, at(1)))
		must(t, s.OfferChat(ctx, &parley.Offer{ChatID: c.ID, TenantID: "t1", AgentID: bob.ID, OfferedAt: at(2)}, 3, true))
		must(t, s.BargeIn(ctx, c.ID, sam.ID, at(3)))
		must(t, s.AddSupervision(ctx, &parley.SupervisionAction{TenantID: "t1", ChatID: c.ID, UserID: sam.ID, Action: parley.SuperviseBarge, At: at(3)}))
		for i, who := range []string{sam.ID, bob.ID} {
			must(t, s.AddMessage(ctx, &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent,
				AgentID: who, Kind: parley.KindText, Text: "x", CreatedAt: at(4 + i)}))
		}
		got, err := s.ChatFacts(ctx, "t1", c.ID)
		must(t, err)
		wantKinds(t, got, parley.FactEnteredQueue, parley.FactOffered, parley.FactAccepted, parley.FactFirstAgentReply)
		if f := got[len(got)-1]; f.AgentID != bob.ID || !f.At.Equal(at(5)) {
			t.Errorf("first reply = %+v, want bob's at 5 s", f)
		}
	})
}
