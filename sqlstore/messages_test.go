package sqlstore_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// markSent records the message sent at at with the platform's id ext, as
// the outbox does once the platform took it (without an event).
func markSent(s *sqlstore.Store, id, ext string, at time.Time) error {
	_, err := s.RecordSent(ctx, &parley.OutboundAttempt{MessageID: id, Attempt: 1, At: at, ExternalID: ext}, ext,
		func(*parley.Message) *parley.Event { return nil })
	return err
}

func addOut(t *testing.T, s *sqlstore.Store, chatID, text string, created time.Time) *parley.Message {
	t.Helper()
	m := &parley.Message{ChatID: chatID, Direction: parley.Outbound, Sender: parley.SenderBot,
		Kind: parley.KindText, Text: text, CreatedAt: created}
	must(t, s.AddMessage(ctx, m))
	return m
}

func claimIDs(t *testing.T, s *sqlstore.Store, now time.Time, limit int) []string {
	t.Helper()
	ms, err := s.ClaimOutbound(ctx, now, limit)
	must(t, err)
	var ids []string
	for _, m := range ms {
		if m.Status != parley.MsgSending {
			t.Fatalf("claimed message status %s", m.Status)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func TestMessages(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		in := &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
			Kind: parley.KindText, Text: "hi", ExternalID: "mid.1", PlatformTime: at(1), CreatedAt: at(2)}
		must(t, s.AddMessage(ctx, in))
		if in.ID == "" || in.Seq != 1 || in.Status != parley.MsgReceived || in.TenantID != "t1" {
			t.Fatalf("AddMessage: %+v", in)
		}
		got, err := s.Message(ctx, in.ID)
		must(t, err)
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("Message = %+v\nwant %+v", got, in)
		}
		out := addOut(t, s, c.ID, "hello", at(3))
		if out.Seq != 2 || out.Status != parley.MsgPending {
			t.Fatalf("outbound: %+v", out)
		}

		// A redelivery collides, on any chat of the same account.
		dup := &parley.Message{ChatID: c.ID, Direction: parley.Inbound, ExternalID: "mid.1"}
		wantCode(t, s.AddMessage(ctx, dup), parley.ECONFLICT)
		must(t, s.CloseChat(ctx, c.ID, at(4)))
		c2 := &parley.Chat{TenantID: "t1", AccountID: c.AccountID, CustomerID: c.CustomerID}
		must(t, s.CreateChat(ctx, c2))
		wantCode(t, s.AddMessage(ctx, &parley.Message{ChatID: c2.ID, Direction: parley.Inbound, ExternalID: "mid.1"}), parley.ECONFLICT)
		// The same id on another account is another message; empty ids never collide.
		c3 := &parley.Chat{TenantID: "t1", AccountID: "a2", CustomerID: "x"}
		must(t, s.CreateChat(ctx, c3))
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: c3.ID, Direction: parley.Inbound, ExternalID: "mid.1"}))
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: c3.ID, Direction: parley.Inbound}))
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: c3.ID, Direction: parley.Inbound}))

		wantCode(t, s.AddMessage(ctx, &parley.Message{ChatID: "nope"}), parley.ENOTFOUND)
		_, err = s.Message(ctx, "nope")
		wantCode(t, err, parley.ENOTFOUND)

		ms, err := s.Messages(ctx, c.ID, 0)
		must(t, err)
		if len(ms) != 2 || ms[0].ID != in.ID || ms[1].ID != out.ID {
			t.Fatalf("Messages = %v", ms)
		}
		ms, err = s.Messages(ctx, c.ID, 1)
		must(t, err)
		if len(ms) != 1 || ms[0].ID != out.ID {
			t.Fatalf("Messages after 1 = %v", ms)
		}
		ms, err = s.Messages(ctx, c3.ID, 0)
		must(t, err)
		if len(ms) != 3 || ms[2].Seq != 3 {
			t.Fatalf("Messages(c3) = %v", ms)
		}
	})
}

// TestMessageByExternalIDAndPayload: a message is found again by its
// platform id on its account (an attachment copy made later), and its
// payload replaced.
func TestMessageByExternalIDAndPayload(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		m := &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindAttachment,
			Text: "[image]", Payload: `{"attachments":[{"type":"image","copying":true}]}`, ExternalID: "mid.photo"}
		must(t, s.AddMessage(ctx, m))
		got, err := s.MessageByExternalID(ctx, c.AccountID, "mid.photo")
		must(t, err)
		if got.ID != m.ID {
			t.Fatalf("MessageByExternalID = %s, want %s", got.ID, m.ID)
		}
		for _, tc := range []struct{ account, id string }{{c.AccountID, "mid.other"}, {"another-account", "mid.photo"}, {c.AccountID, ""}} {
			_, err := s.MessageByExternalID(ctx, tc.account, tc.id)
			wantCode(t, err, parley.ENOTFOUND)
		}
		copied := `{"attachments":[{"type":"image","url":"/files/f1","file_id":"f1"}]}`
		must(t, s.SetMessagePayload(ctx, m.ID, copied))
		got, err = s.Message(ctx, m.ID)
		must(t, err)
		if got.Payload != copied || got.Seq != m.Seq || got.Text != m.Text {
			t.Fatalf("after SetMessagePayload: %+v", got)
		}
		wantCode(t, s.SetMessagePayload(ctx, "nope", copied), parley.ENOTFOUND)
	})
}

func TestLastMessage(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		_, err := s.LastMessage(ctx, c.ID)
		wantCode(t, err, parley.ENOTFOUND)
		addOut(t, s, c.ID, "first", at(1))
		addOut(t, s, c.ID, "second", at(2))
		other := newChat(t, s, "t1")
		addOut(t, s, other.ID, "another chat", at(3))
		last, err := s.LastMessage(ctx, c.ID)
		must(t, err)
		if last.Text != "second" || last.Seq != 2 {
			t.Fatalf("LastMessage = %q (seq %d), want \"second\" (seq 2)", last.Text, last.Seq)
		}
	})
}

func TestLastMessageFrom(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		_, err := s.LastMessageFrom(ctx, c.ID, parley.SenderCustomer, parley.KindEvent)
		wantCode(t, err, parley.ENOTFOUND)
		in := func(kind, text string, n int) {
			must(t, s.AddMessage(ctx, &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: kind, Text: text, CreatedAt: at(n)}))
		}
		in(parley.KindText, "My invoice is wrong", 1)
		in(parley.KindEvent, "customer event", 2)
		addOut(t, s, c.ID, "Let me find someone to help you.", at(3))
		other := newChat(t, s, "t1")
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: other.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindText, Text: "another chat", CreatedAt: at(4)}))
		got, err := s.LastMessageFrom(ctx, c.ID, parley.SenderCustomer, parley.KindEvent)
		must(t, err)
		if got.Text != "My invoice is wrong" {
			t.Fatalf("LastMessageFrom(customer) = %q, want the customer's question", got.Text)
		}
		got, err = s.LastMessageFrom(ctx, c.ID, parley.SenderCustomer, "")
		must(t, err)
		if got.Text != "customer event" {
			t.Fatalf("LastMessageFrom(customer, any kind) = %q, want the event", got.Text)
		}
	})
}

func TestMessageSeqConcurrent(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if err := s.AddMessage(ctx, &parley.Message{ChatID: c.ID, Direction: parley.Inbound}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		ms, err := s.Messages(ctx, c.ID, 0)
		must(t, err)
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("message %d has seq %d", i, m.Seq)
			}
		}
		if len(ms) != 20 {
			t.Fatalf("%d messages", len(ms))
		}
	})
}

func TestClaimOutbound(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c1, c2 := newChat(t, s, "t1"), newChat(t, s, "t1")
		a1 := addOut(t, s, c1.ID, "a1", at(1))
		b1 := addOut(t, s, c2.ID, "b1", at(2))
		a2 := addOut(t, s, c1.ID, "a2", at(3))
		b2 := addOut(t, s, c2.ID, "b2", at(4))
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: c1.ID, Direction: parley.Inbound, CreatedAt: at(0)}))

		// One per chat, oldest first, limit respected.
		if got, want := claimIDs(t, s, at(10), 1), []string{a1.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("claim 1 = %v, want %v", got, want)
		}
		// a1 is sending: a2 waits behind it.
		if got, want := claimIDs(t, s, at(10), 10), []string{b1.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("claim 2 = %v, want %v", got, want)
		}
		if got := claimIDs(t, s, at(10), 10); len(got) != 0 {
			t.Fatalf("claim 3 = %v, want none", got)
		}

		// a1 sent: a2 becomes due. b1 retried later: b2 must still wait.
		must(t, markSent(s, a1.ID, "mid.a1", at(11)))
		must(t, s.MarkRetry(ctx, b1.ID, at(30), "timeout"))
		if got, want := claimIDs(t, s, at(12), 10), []string{a2.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("claim 4 = %v, want %v", got, want)
		}
		m, _ := s.Message(ctx, b1.ID)
		if m.Status != parley.MsgPending || m.Attempts != 1 || !m.NextAttemptAt.Equal(at(30)) || m.Error != "timeout" {
			t.Fatalf("retried message: %+v", m)
		}
		if got := claimIDs(t, s, at(29), 10); len(got) != 0 {
			t.Fatalf("claim before due = %v", got)
		}
		ms, err := s.ClaimOutbound(ctx, at(30), 10)
		must(t, err)
		if len(ms) != 1 || ms[0].ID != b1.ID || ms[0].Attempts != 2 {
			t.Fatalf("claim when due = %+v", ms)
		}

		sent, _ := s.Message(ctx, a1.ID)
		if sent.Status != parley.MsgSent || sent.ExternalID != "mid.a1" || !sent.SentAt.Equal(at(11)) {
			t.Fatalf("sent message: %+v", sent)
		}

		// Failing b1 unblocks b2.
		must(t, s.MarkFailed(ctx, b1.ID, "bad token"))
		if got, want := claimIDs(t, s, at(31), 10), []string{b2.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("claim after fail = %v, want %v", got, want)
		}
		m, _ = s.Message(ctx, b1.ID)
		if m.Status != parley.MsgFailed || m.Error != "bad token" {
			t.Fatalf("failed message: %+v", m)
		}

		wantCode(t, s.MarkRetry(ctx, a1.ID, at(40), "x"), parley.ECONFLICT) // sent
		wantCode(t, s.MarkFailed(ctx, b1.ID, "x"), parley.ECONFLICT)        // failed
		wantCode(t, s.MarkRetry(ctx, "nope", at(40), "x"), parley.ENOTFOUND)
		wantCode(t, s.MarkFailed(ctx, "nope", "x"), parley.ENOTFOUND)
		wantCode(t, markSent(s, "nope", "", at(40)), parley.ENOTFOUND)

		// a2 (claimed at 12) and b2 (claimed at 31) are left sending by a
		// "crash" after their sends began. Only claims older than the
		// lease count: b2 may still be in the hands of a live node.
		for _, id := range []string{a2.ID, b2.ID} {
			m, _ := s.Message(ctx, id)
			wantCode(t, s.StartSend(ctx, id, m.Attempts-1, at(32)), parley.ECONFLICT) // an older claim
			must(t, s.StartSend(ctx, id, m.Attempts, at(32)))
		}
		n, err := s.FailInterrupted(ctx, at(20))
		must(t, err)
		if n != 1 {
			t.Fatalf("FailInterrupted(before 20s) = %d, want 1", n)
		}
		m, _ = s.Message(ctx, a2.ID)
		if m.Status != parley.MsgFailed || m.Error != sqlstore.InterruptedError {
			t.Fatalf("interrupted message: %+v", m)
		}
		if m, _ = s.Message(ctx, b2.ID); m.Status != parley.MsgSending {
			t.Fatalf("freshly claimed message = %s, want still sending", m.Status)
		}
		n, err = s.FailInterrupted(ctx, at(60))
		must(t, err)
		if n != 1 {
			t.Fatalf("FailInterrupted(before 60s) = %d, want 1", n)
		}
		if got := claimIDs(t, s, at(100), 10); len(got) != 0 {
			t.Fatalf("interrupted messages claimed again: %v", got)
		}
	})
}

func TestClaimOutboundConcurrent(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		const chats, perChat = 15, 3
		for i := range chats {
			c := newChat(t, s, "t1")
			for j := range perChat {
				addOut(t, s, c.ID, "m", at(i*perChat+j))
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for range 40 {
					ms, err := s.ClaimOutbound(ctx, at(1000), 4)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					inFlight := map[string]bool{}
					for _, m := range ms {
						seen[m.ID]++
						if inFlight[m.ChatID] {
							t.Errorf("two messages of chat %s in one claim", m.ChatID)
						}
						inFlight[m.ChatID] = true
					}
					mu.Unlock()
					for _, m := range ms {
						if err := markSent(s, m.ID, "", at(1001)); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %s claimed %d times", id, n)
			}
		}
		// Whatever was not claimed in the loops is still claimable.
		for {
			ms, err := s.ClaimOutbound(ctx, at(1000), 100)
			must(t, err)
			if len(ms) == 0 {
				break
			}
			for _, m := range ms {
				if seen[m.ID] > 0 {
					t.Fatalf("message %s claimed twice", m.ID)
				}
				seen[m.ID]++
				must(t, markSent(s, m.ID, "", at(1001)))
			}
		}
		if len(seen) != chats*perChat {
			t.Fatalf("%d messages claimed, want %d", len(seen), chats*perChat)
		}
	})
}

func TestAttempts(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		m := addOut(t, s, c.ID, "x", at(0))
		a1 := &parley.OutboundAttempt{MessageID: m.ID, Attempt: 1, At: at(1), Error: "timeout"}
		a2 := &parley.OutboundAttempt{MessageID: m.ID, Attempt: 2, At: at(2), ExternalID: "mid.x"}
		must(t, s.AddAttempt(ctx, a1))
		must(t, s.AddAttempt(ctx, a2))
		wantCode(t, s.AddAttempt(ctx, &parley.OutboundAttempt{MessageID: "nope", Attempt: 1}), parley.ENOTFOUND)
		as, err := s.Attempts(ctx, m.ID)
		must(t, err)
		if len(as) != 2 || *as[0] != *a1 || *as[1] != *a2 {
			t.Fatalf("Attempts = %+v", as)
		}
	})
}

// TestRecordSent: a send is stored whole (attempt, status, event showing
// the stored message) or not at all: an id another message has refuses
// all three.
func TestRecordSent(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		taken := addOut(t, s, c.ID, "earlier", at(0))
		must(t, markSent(s, taken.ID, "mid.taken", at(1)))
		m := addOut(t, s, c.ID, "x", at(2))
		last, err := s.LastEventID(ctx, c.TenantID)
		must(t, err)
		announce := func(m *parley.Message) *parley.Event {
			return &parley.Event{TenantID: c.TenantID, Type: parley.EventMessage, ChatID: m.ChatID,
				Data: []byte(fmt.Sprintf(`{"status":%q,"platform_id":%q}`, m.Status, m.ExternalID))}
		}
		_, err = s.RecordSent(ctx, &parley.OutboundAttempt{MessageID: m.ID, Attempt: 1, At: at(3), ExternalID: "mid.taken"}, "mid.taken", announce)
		wantCode(t, err, parley.ECONFLICT)
		as, err := s.Attempts(ctx, m.ID)
		must(t, err)
		evs, err := s.EventsAfter(ctx, c.TenantID, last, 10)
		must(t, err)
		if got, _ := s.Message(ctx, m.ID); len(as) != 0 || len(evs) != 0 || got.Status != parley.MsgPending {
			t.Fatalf("after a refused record: %d attempts, %d events, status %s; want none, none, pending", len(as), len(evs), got.Status)
		}

		e, err := s.RecordSent(ctx, &parley.OutboundAttempt{MessageID: m.ID, Attempt: 1, At: at(3), ExternalID: "mid.taken"}, "", announce)
		must(t, err)
		got, err := s.Message(ctx, m.ID)
		must(t, err)
		if got.Status != parley.MsgSent || got.ExternalID != "" || !got.SentAt.Equal(at(3)) {
			t.Fatalf("message after RecordSent: status %s, platform id %q, sent at %v", got.Status, got.ExternalID, got.SentAt)
		}
		if as, _ = s.Attempts(ctx, m.ID); len(as) != 1 || as[0].ExternalID != "mid.taken" {
			t.Fatalf("attempts after RecordSent = %+v, want one keeping the platform's answer", as)
		}
		if evs, _ = s.EventsAfter(ctx, c.TenantID, last, 10); len(evs) != 1 || e == nil || evs[0].ID != e.ID ||
			string(evs[0].Data) != `{"status":"sent","platform_id":""}` {
			t.Fatalf("events after RecordSent = %+v (returned %+v), want the one showing the stored message", evs, e)
		}
		_, err = s.RecordSent(ctx, &parley.OutboundAttempt{MessageID: "nope", Attempt: 1}, "", announce)
		wantCode(t, err, parley.ENOTFOUND)
	})
}

// TestInterruptedBeforeSending: of the claims a dead node left, only the
// messages whose send had begun may have gone out and are failed; the
// others are pending again and go out once, as usual. A node whose claim
// was taken over cannot begin sending it.
func TestInterruptedBeforeSending(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for i := range 4 {
			addOut(t, s, newChat(t, s, "t1").ID, fmt.Sprintf("m%d", i), at(i))
		}
		claimed, err := s.ClaimOutbound(ctx, at(10), 10)
		must(t, err)
		if len(claimed) != 4 {
			t.Fatalf("claimed %d, want 4", len(claimed))
		}
		// The node began sending the first one only, then died.
		must(t, s.StartSend(ctx, claimed[0].ID, claimed[0].Attempts, at(11)))

		n, err := s.FailInterrupted(ctx, at(200))
		must(t, err)
		if n != 1 {
			t.Fatalf("FailInterrupted = %d, want 1 (the one whose send began)", n)
		}
		m, _ := s.Message(ctx, claimed[0].ID)
		if m.Status != parley.MsgFailed || !strings.HasPrefix(m.Error, parley.MaybeSentPrefix) {
			t.Fatalf("begun message = %s %q; want failed, may have been sent", m.Status, m.Error)
		}
		for _, c := range claimed[1:] {
			if m, _ := s.Message(ctx, c.ID); m.Status != parley.MsgPending || m.Error != "" {
				t.Fatalf("never-begun message = %s %q; want pending", m.Status, m.Error)
			}
			// The dead node's claim is gone: it cannot begin sending.
			wantCode(t, s.StartSend(ctx, c.ID, c.Attempts, at(201)), parley.ECONFLICT)
		}
		again, err := s.ClaimOutbound(ctx, at(201), 10)
		must(t, err)
		if got := len(again); got != 3 {
			t.Fatalf("claimed again %d, want the 3 never begun", got)
		}
		for _, c := range again {
			must(t, s.StartSend(ctx, c.ID, c.Attempts, at(202)))
		}
	})
}
