package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// unrecordedStore fails MarkInboundProcessed while hold is set, as a
// database that went away between handling an event and recording it.
type unrecordedStore struct {
	parley.Store
	hold  atomic.Bool
	tries atomic.Int32
}

func (u *unrecordedStore) MarkInboundProcessed(ctx context.Context, id int64, at time.Time, errText string, handled ...string) error {
	if u.hold.Load() {
		u.tries.Add(1)
		return parley.Unavailable(errors.New("injected: connection refused"))
	}
	return u.Store.MarkInboundProcessed(ctx, id, at, errText, handled...)
}

// unrecordedMessage starts a node whose processed marks are refused
// until u.hold is cleared, and stores customer c0's webhook event for
// message m0.
func unrecordedMessage(t *testing.T, st *sqlstore.Store) (*rig, *unrecordedStore) {
	t.Helper()
	r := newRig(t, st, parley.ServiceRouting{}, nil)
	u := &unrecordedStore{Store: st}
	u.hold.Store(true)
	r.startWith(func(c *Config) { c.Store = u })
	payload, err := json.Marshal(channeltest.Message{ID: "m0", From: "c0", Text: "hello", At: r.clock.Now().UnixMilli()})
	must(t, err)
	_, err = st.AddInbound(r.ctx, []*parley.InboundEvent{{TenantID: parley.DefaultTenant, AccountID: r.account,
		Channel: channeltest.Type, DedupKey: "m0", Kind: "message", Payload: payload, ReceivedAt: r.clock.Now()}})
	must(t, err)
	return r, u
}

// TestInboundAgainAfterChatEnded: an event whose handling could not be
// recorded is handled again later. When the customer's chat has ended
// meanwhile, its message (stored already) must not start a new chat,
// which would greet the customer out of nowhere and sit in the queue.
func TestInboundAgainAfterChatEnded(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r, u := unrecordedMessage(t, st)
		cust, _, err := st.EnsureCustomer(r.ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: r.account, ExternalID: "c0"})
		must(t, err)
		var chat *parley.Chat
		r.eventually("the message handled, its record refused", func() bool {
			c, err := st.OpenChat(r.ctx, cust.ID)
			if err != nil || u.tries.Load() == 0 {
				return false
			}
			m, err := st.MessageByExternalID(r.ctx, r.account, "m0")
			chat = c
			return err == nil && m.ChatID == c.ID
		})
		// Closed while the first try still retries its record; released
		// once that try has given up, so the event is handled again after
		// the close.
		must(t, st.CloseChat(r.ctx, chat.ID, r.clock.Now()))
		r.eventually("the first try given up", func() bool { return u.tries.Load() > int32(len(unavailableBackoff)) })
		u.hold.Store(false)
		r.eventually("the event recorded", func() bool {
			left, err := st.PendingInbound(r.ctx, 0, 1)
			return err == nil && len(left) == 0
		})
		chats, err := st.Chats(r.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, CustomerID: cust.ID})
		must(t, err)
		if len(chats) != 1 {
			for _, c := range chats {
				t.Logf("chat %s: %s", c.ID, c.State)
			}
			t.Fatalf("the customer has %d chats, want the one that ended", len(chats))
		}
	})
}

// TestHandledWithoutProcessedMark: a message's handled mark travels with
// its event's processed mark; when that cannot be written, the handled
// mark is still written, so the event handled again later takes the
// message for a redelivery instead of giving it to the scenario twice.
func TestHandledWithoutProcessedMark(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r, u := unrecordedMessage(t, st)
		r.eventually("the first try given up", func() bool { return u.tries.Load() > int32(len(unavailableBackoff)) })
		r.eventually("the message marked handled", func() bool {
			_, err := st.UnhandledMessage(r.ctx, r.account, "m0")
			return parley.ErrorCode(err) == parley.ENOTFOUND
		})
		if _, err := st.MessageByExternalID(r.ctx, r.account, "m0"); err != nil {
			t.Fatalf("the message is not stored: %v", err)
		}
		u.hold.Store(false)
		r.eventually("the event recorded", func() bool {
			left, err := st.PendingInbound(r.ctx, 0, 1)
			return err == nil && len(left) == 0
		})
	})
}
