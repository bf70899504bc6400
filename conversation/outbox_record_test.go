package conversation

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// flakyRecordSent fails the first failures calls of RecordSent, as a
// database that hiccups just after the platform accepted a message.
type flakyRecordSent struct {
	parley.Store
	failures atomic.Int32
}

func (f *flakyRecordSent) RecordSent(ctx context.Context, a *parley.OutboundAttempt, externalID string, announce func(*parley.Message) *parley.Event) (*parley.Event, error) {
	if f.failures.Add(-1) >= 0 {
		return nil, parley.Unavailable(errors.New("injected: connection reset while recording the send"))
	}
	return f.Store.RecordSent(ctx, a, externalID, announce)
}

// TestRecordSentRegardless: once the platform took a message, it is
// recorded as sent even if the first tries to record it fail or the
// platform's id is already stored for another message; the chat's next
// message is not held back behind it.
func TestRecordSentRegardless(t *testing.T) {
	cases := []struct {
		name     string
		failures int32
		reuseID  bool // the platform answers with an id already stored
	}{
		{"the database fails twice", 2, false},
		{"the platform reuses a message id", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, parley.ServiceRouting{}, nil)
				fs := &flakyRecordSent{Store: st}
				fs.failures.Store(tc.failures)
				s := r.startWith(func(c *Config) { c.Store = fs })

				c := r.arriveOn(s, 0)
				if tc.reuseID {
					// channeltest answers its first send with "test-1".
					must(t, st.AddMessage(r.ctx, &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
						Kind: parley.KindText, Text: "earlier", ExternalID: "test-1"}))
				}
				first, err := s.queueOutbound(r.ctx, c, &parley.Message{Sender: parley.SenderBot, Text: "First"})
				must(t, err)
				second, err := s.queueOutbound(r.ctx, c, &parley.Message{Sender: parley.SenderBot, Text: "Second"})
				must(t, err)
				r.eventually("both messages recorded as sent", func() bool {
					a, err1 := st.Message(r.ctx, first.ID)
					b, err2 := st.Message(r.ctx, second.ID)
					return err1 == nil && err2 == nil && a.Status == parley.MsgSent && b.Status == parley.MsgSent
				})
				if n := len(r.channel.Sent()); n != 2 {
					t.Fatalf("the platform got %d sends, want 2", n)
				}
				// Shown as sent: the event is stored with the status.
				evs, err := st.EventsAfter(r.ctx, parley.DefaultTenant, 0, 10000)
				must(t, err)
				for _, m := range []*parley.Message{first, second} {
					shown := false
					for _, e := range evs {
						shown = shown || e.Type == parley.EventMessage && strings.Contains(string(e.Data), `"id":"`+m.ID+`"`) &&
							strings.Contains(string(e.Data), `"status":"sent"`)
					}
					if !shown {
						t.Errorf("%q is recorded as sent but no event shows it sent", m.Text)
					}
				}
				if as, err := st.Attempts(r.ctx, first.ID); err != nil || len(as) != 1 {
					t.Fatalf("first message's attempts = %+v (%v), want one", as, err)
				}
			})
		})
	}
}
