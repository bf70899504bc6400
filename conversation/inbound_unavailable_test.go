package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// unavailableStore answers some writes as a database that is busy or out
// of reach would: AddMessage fails for the calls failAdd picks and
// MarkInboundProcessed for the first failMark calls. It records the
// failures processing wrote down.
type unavailableStore struct {
	parley.Store
	failAdd func(n int, m *parley.Message) bool

	mu       sync.Mutex
	adds     int
	failMark int
	recorded []string // errors written on inbound events
}

func (u *unavailableStore) AddMessage(ctx context.Context, m *parley.Message) error {
	u.mu.Lock()
	u.adds++
	fail := u.failAdd(u.adds, m)
	u.mu.Unlock()
	if fail {
		return parley.Unavailable(errors.New("injected: database is busy"))
	}
	return u.Store.AddMessage(ctx, m)
}

func (u *unavailableStore) MarkInboundProcessed(ctx context.Context, id int64, at time.Time, errText string, handled ...string) error {
	u.mu.Lock()
	fail := u.failMark > 0
	u.failMark--
	if errText != "" {
		u.recorded = append(u.recorded, errText)
	}
	u.mu.Unlock()
	if fail {
		return parley.Unavailable(errors.New("injected: connection refused"))
	}
	return u.Store.MarkInboundProcessed(ctx, id, at, errText, handled...)
}

// TestInboundWhileDatabaseUnavailable: events whose handling meets a
// database that cannot take the write are tried again, then left pending
// and read again, never recorded as failed: every customer's messages end
// up in their chat once each and in the order they were sent, including
// a customer whose message failed more times than one pass tries.
func TestInboundWhileDatabaseUnavailable(t *testing.T) {
	const customers, each = 4, 6
	cases := []struct {
		name     string
		failAdd  func(n int, m *parley.Message) bool
		failMark int
	}{
		{"a message fails past every try", func(n int, m *parley.Message) bool {
			return m.ExternalID == "c0-m1" && n <= 12 // more than one pass of tries
		}, 0},
		{"every third write fails for a while", func(n int, _ *parley.Message) bool { return n <= 40 && n%3 == 0 }, 0},
		{"recording the event fails", func(int, *parley.Message) bool { return false }, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, parley.ServiceRouting{}, nil)
				u := &unavailableStore{Store: st, failAdd: tc.failAdd, failMark: tc.failMark}
				r.startWith(func(c *Config) { c.Store = u })

				storeAndCheckInbound(t, r, customers, each)
				u.mu.Lock()
				defer u.mu.Unlock()
				if len(u.recorded) > 0 {
					t.Errorf("events recorded as failed: %q", u.recorded)
				}
			})
		})
	}
}

// storeAndCheckInbound stores each customers' messages as inbound events,
// one at a time like webhooks arriving one after another, waits until
// none is pending and checks each customer's chat holds their messages
// once each, in order.
func storeAndCheckInbound(t *testing.T, r *rig, customers, each int) {
	t.Helper()
	st := r.st
	for i := range each {
		for c := range customers {
			payload, err := json.Marshal(channeltest.Message{ID: fmt.Sprintf("c%d-m%d", c, i), From: fmt.Sprintf("c%d", c),
				Text: fmt.Sprintf("message %d", i), At: r.clock.Now().UnixMilli()})
			must(t, err)
			_, err = st.AddInbound(r.ctx, []*parley.InboundEvent{{TenantID: parley.DefaultTenant, AccountID: r.account,
				Channel: channeltest.Type, DedupKey: fmt.Sprintf("c%d-m%d", c, i), Kind: "message", Payload: payload, ReceivedAt: r.clock.Now()}})
			must(t, err)
		}
	}
	r.eventually("every event processed", func() bool {
		left, err := st.PendingInbound(r.ctx, 0, 1)
		return err == nil && len(left) == 0
	})
	want := make([]string, each)
	for i := range want {
		want[i] = fmt.Sprintf("message %d", i)
	}
	for c := range customers {
		var got []string
		for _, m := range openChatMessages(t, r, fmt.Sprintf("c%d", c)) {
			got = append(got, m.Text)
		}
		if !slices.Equal(got, want) {
			t.Errorf("customer c%d's chat has %q, want %q", c, got, want)
		}
	}
}

// openChatMessages returns the messages of the open chat of the rig
// account's customer with the platform id.
func openChatMessages(t *testing.T, r *rig, customer string) []*parley.Message {
	t.Helper()
	cust, _, err := r.st.EnsureCustomer(r.ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: r.account, ExternalID: customer})
	must(t, err)
	chat, err := r.st.OpenChat(r.ctx, cust.ID)
	must(t, err)
	msgs, err := r.st.Messages(r.ctx, chat.ID, 0)
	must(t, err)
	return msgs
}

// downBus is a bus whose server is gone: publishing fails.
type downBus struct{ parley.Bus }

func (downBus) Publish(context.Context, string, int64) error {
	return errors.New("injected: nats: connection closed")
}

// TestInboundWhileBusDown: with the bus unreachable, events are still
// handled and recorded without error; the bus only nudges readers of the
// event log, which poll it anyway.
func TestInboundWhileBusDown(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		u := &unavailableStore{Store: st, failAdd: func(int, *parley.Message) bool { return false }}
		r.startWith(func(c *Config) {
			c.Store = u
			c.Bus = downBus{r.bus}
		})
		storeAndCheckInbound(t, r, 2, 3)
		u.mu.Lock()
		defer u.mu.Unlock()
		if len(u.recorded) > 0 {
			t.Errorf("events recorded as failed: %q", u.recorded)
		}
	})
}

// unshownStore fails appending the event that shows a message, for the
// messages fail picks by text (n counts the tries of each chat's message),
// the way a database restarting under the write does.
type unshownStore struct {
	parley.Store
	fail func(n int, text string) bool

	mu    sync.Mutex
	tries map[string]int
}

func (u *unshownStore) AppendEvent(ctx context.Context, e *parley.Event) error {
	if err := u.failing(e); err != nil {
		return err
	}
	return u.Store.AppendEvent(ctx, e)
}

func (u *unshownStore) AppendChatEvent(ctx context.Context, e *parley.Event) error {
	if err := u.failing(e); err != nil {
		return err
	}
	return u.Store.AppendChatEvent(ctx, e)
}

// failing is the error appending e meets, if any.
func (u *unshownStore) failing(e *parley.Event) error {
	if e.Type == parley.EventMessage {
		var v struct {
			Text string `json:"text"`
		}
		_ = json.Unmarshal(e.Data, &v)
		u.mu.Lock()
		u.tries[e.ChatID+v.Text]++
		fail := u.fail(u.tries[e.ChatID+v.Text], v.Text)
		u.mu.Unlock()
		if fail {
			return parley.Unavailable(errors.New("injected: the database system is shutting down"))
		}
	}
	return nil
}

// TestInboundShownAfterEventFails: a message stored before the database
// failed to take the event that shows it is shown when its inbound event
// is handled again, not taken for a redelivery: every stored message has
// its event, and the chat holds it once.
func TestInboundShownAfterEventFails(t *testing.T) {
	cases := []struct {
		name string
		fail func(n int, text string) bool
	}{
		{"a message, past every try of a pass", func(n int, text string) bool { return text == "message 2" && n <= 6 }},
		{"a first message (the chat is new)", func(n int, text string) bool { return text == "message 0" && n <= 6 }},
		{"every other message once", func(n int, text string) bool {
			return n == 1 && (strings.HasSuffix(text, "1") || strings.HasSuffix(text, "3"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				r := newRig(t, st, parley.ServiceRouting{}, nil)
				u := &unshownStore{Store: st, fail: tc.fail, tries: map[string]int{}}
				r.startWith(func(c *Config) { c.Store = u })

				storeAndCheckInbound(t, r, 2, 4)
				shown := map[string]bool{}
				evs, err := st.EventsAfter(r.ctx, parley.DefaultTenant, 0, 10000)
				must(t, err)
				for _, e := range evs {
					var v struct {
						ID string `json:"id"`
					}
					if e.Type == parley.EventMessage && json.Unmarshal(e.Data, &v) == nil {
						shown[v.ID] = true
					}
				}
				for c := range 2 {
					for _, m := range openChatMessages(t, r, fmt.Sprintf("c%d", c)) {
						if !shown[m.ID] {
							t.Errorf("message %s (%q) is stored but was never shown", m.ExternalID, m.Text)
						}
					}
				}
			})
		})
	}
}

// TestInboundLateCommitKeepsOrder: PostgreSQL gives an event its id when
// it is inserted, and another transaction with a later id may commit
// first. A customer's first message that commits after someone else's
// later event is still handled before the same customer's next message,
// though the reader's cursor has passed its id.
func TestInboundLateCommitKeepsOrder(t *testing.T) {
	st := sqltest.OpenPostgres(t) // SQLite commits one write at a time, in id order
	r := newRig(t, st, parley.ServiceRouting{}, nil)
	// Customer C's profile lookup hangs, so the reader is never idle (an
	// idle reader reads from the start) and reads behind its cursor.
	ch := &hangingProfiles{Channel: r.channel, hang: "c", hanging: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(ch.release)
	// No poll tick: only wakes make the reader look, as when events come
	// faster than the tick.
	s := r.startWith(func(c *Config) {
		c.PollInterval = time.Hour
		c.Channels = parley.NewChannels(ch)
	})

	event := func(cust string, i int) (*parley.InboundEvent, []byte) {
		payload, err := json.Marshal(channeltest.Message{ID: fmt.Sprintf("%s-m%d", cust, i), From: cust,
			Text: fmt.Sprintf("message %d", i), At: r.clock.Now().UnixMilli()})
		must(t, err)
		return &parley.InboundEvent{TenantID: parley.DefaultTenant, AccountID: r.account, Channel: channeltest.Type,
			DedupKey: fmt.Sprintf("%s-m%d", cust, i), Kind: "message", Payload: payload, ReceivedAt: r.clock.Now()}, payload
	}
	add := func(ev *parley.InboundEvent) {
		_, err := st.AddInbound(r.ctx, []*parley.InboundEvent{ev})
		must(t, err)
		poke(s.inboundWake)
	}
	processed := func(key string) bool {
		var n int
		err := st.DB().QueryRowContext(r.ctx, "SELECT COUNT(*) FROM inbound_events WHERE dedup_key = $1 AND processed_at IS NOT NULL", key).Scan(&n)
		return err == nil && n == 1
	}

	c0, _ := event("c", 0)
	add(c0)
	<-ch.hanging
	// A's first message takes its id in a transaction still open...
	tx, err := st.DB().BeginTx(r.ctx, nil)
	must(t, err)
	a0, payload := event("a", 0)
	_, err = tx.ExecContext(r.ctx, `INSERT INTO inbound_events (tenant_id, account_id, channel, dedup_key, kind, payload, received_at, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '')`, a0.TenantID, a0.AccountID, a0.Channel, a0.DedupKey, a0.Kind, payload, a0.ReceivedAt.UnixMicro())
	must(t, err)
	// ...while B's message, with a later id, commits and is handled.
	b0, _ := event("b", 0)
	add(b0)
	r.eventually("B's message handled", func() bool { return processed("b-m0") })
	// A's first message commits, then A writes again.
	must(t, tx.Commit())
	a1, _ := event("a", 1)
	add(a1)
	r.eventually("A's messages handled", func() bool { return processed("a-m0") && processed("a-m1") })

	var got []string
	for _, m := range openChatMessages(t, r, "a") {
		got = append(got, m.Text)
	}
	if want := []string{"message 0", "message 1"}; !slices.Equal(got, want) {
		t.Errorf("A's chat has %q, want %q", got, want)
	}
}

// hangingProfiles is the test channel whose profile lookup of one
// customer hangs until released.
type hangingProfiles struct {
	*channeltest.Channel
	hang    string
	hanging chan struct{} // told when the lookup started hanging
	release chan struct{}
}

func (h *hangingProfiles) Profile(ctx context.Context, acct *parley.Account, id string) (*parley.Profile, error) {
	if id == h.hang {
		h.hanging <- struct{}{}
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	}
	return h.Channel.Profile(ctx, acct, id)
}
