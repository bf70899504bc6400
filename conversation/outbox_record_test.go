package conversation

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// flakyMarkSent fails the first failures calls of MarkSent, as a database
// that hiccups just after the platform accepted a message.
type flakyMarkSent struct {
	parley.Store
	failures atomic.Int32
}

func (f *flakyMarkSent) MarkSent(ctx context.Context, id, externalID string, at time.Time) error {
	if f.failures.Add(-1) >= 0 {
		return errors.New("injected: connection reset while recording the send")
	}
	return f.Store.MarkSent(ctx, id, externalID, at)
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
				fs := &flakyMarkSent{Store: st}
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
			})
		})
	}
}

// flakyStatusEvent fails appending the first failures events that show a
// message as sent, as a database that restarts just after the send was
// recorded.
type flakyStatusEvent struct {
	parley.Store
	failures atomic.Int32
}

func (f *flakyStatusEvent) AppendEvent(ctx context.Context, e *parley.Event) error {
	if e.Type == parley.EventMessage && strings.Contains(string(e.Data), `"status":"sent"`) && f.failures.Add(-1) >= 0 {
		return parley.Unavailable(errors.New("injected: the database system is starting up"))
	}
	return f.Store.AppendEvent(ctx, e)
}

// TestSentShownAfterEventFails: a send recorded while the database failed
// to take the event that shows it is still shown as sent.
func TestSentShownAfterEventFails(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		fs := &flakyStatusEvent{Store: st}
		fs.failures.Store(3)
		s := r.startWith(func(c *Config) { c.Store = fs })

		c := r.arriveOn(s, 0)
		m, err := s.queueOutbound(r.ctx, c, &parley.Message{Sender: parley.SenderBot, Text: "Hello"})
		must(t, err)
		r.eventually("the message shown as sent", func() bool {
			evs, err := st.EventsAfter(r.ctx, parley.DefaultTenant, 0, 10000)
			if err != nil {
				return false
			}
			for _, e := range evs {
				if e.Type == parley.EventMessage && strings.Contains(string(e.Data), `"id":"`+m.ID+`"`) &&
					strings.Contains(string(e.Data), `"status":"sent"`) {
					return true
				}
			}
			return false
		})
	})
}
