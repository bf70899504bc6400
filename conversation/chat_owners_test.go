package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestVisitorStreamsReadAChatOnce: the web chat visitors' streams of a
// node read a new chat (whose it is) once between them, not once each,
// and each still gets its own chat's messages and no one else's.
func TestVisitorStreamsReadAChatOnce(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		visitor := func(n int) (*Visitor, *parley.Chat) {
			cust, _, err := st.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: r.account,
				ExternalID: fmt.Sprintf("visitor-%d", n), FirstName: fmt.Sprintf("V%d", n)})
			must(t, err)
			c := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: r.account, CustomerID: cust.ID}
			must(t, st.CreateChat(ctx, c))
			return &Visitor{ID: cust.ExternalID, Customer: cust}, c
		}
		message := func(c *parley.Chat, text string) *parley.Event {
			data, err := json.Marshal(MessageView{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent,
				Kind: parley.KindText, Text: text, Status: parley.MsgSent})
			must(t, err)
			return &parley.Event{ID: 1, TenantID: parley.DefaultTenant, Type: parley.EventMessage, ChatID: c.ID, Data: data}
		}
		const streams = 5
		var filters []func(context.Context, *parley.Event) *VisitorMessage
		var chats []*parley.Chat
		for n := range streams {
			v, c := visitor(n)
			filters = append(filters, s.VisitorEvents(v))
			chats = append(chats, c)
		}
		_, other := visitor(streams) // a customer with no stream open

		q := st.Queries()
		for i, filter := range filters {
			if m := filter(ctx, message(other, "not yours")); m != nil {
				t.Errorf("stream %d was shown another customer's message: %+v", i, m)
			}
		}
		if n := st.Queries() - q; n != 1 {
			t.Errorf("%d streams read the new chat %d times, want once", streams, n)
		}
		for i, filter := range filters {
			for j, c := range chats {
				m := filter(ctx, message(c, fmt.Sprint("for ", j)))
				if (m != nil) != (i == j) {
					t.Errorf("stream %d given chat %d's message: %+v", i, j, m)
				}
			}
		}
	})
}
