package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestAddMessageAnnounced: a message and the event that shows it are
// stored together; a message refused (a redelivered platform id) leaves
// no event and no id behind.
func TestAddMessageAnnounced(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		announce := func(m *parley.Message) *parley.Event {
			return &parley.Event{TenantID: m.TenantID, Type: parley.EventMessage, ChatID: m.ChatID,
				Data: []byte(fmt.Sprintf(`{"id":%q,"seq":%d}`, m.ID, m.Seq))}
		}
		inbound := func(mid string) *parley.Message {
			return &parley.Message{TenantID: "t1", ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
				Kind: parley.KindText, Text: "hi", ExternalID: mid}
		}
		log := func() []*parley.Event {
			es, err := s.EventsAfter(ctx, "t1", 0, 100)
			must(t, err)
			return es
		}

		m := inbound("m.1")
		e, err := s.AddMessageAnnounced(ctx, m, announce)
		must(t, err)
		if m.ID == "" || m.Seq != 1 || e == nil || e.ID == 0 {
			t.Fatalf("message %q seq %d, event %+v: want both stored", m.ID, m.Seq, e)
		}
		es := log()
		if want := fmt.Sprintf(`{"id":%q,"seq":1}`, m.ID); len(es) != 1 || es[0].ID != e.ID || string(es[0].Data) != want {
			t.Fatalf("event log = %v, want one event %s", es, want)
		}

		again := inbound("m.1")
		if _, err := s.AddMessageAnnounced(ctx, again, announce); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("redelivered message: err = %v, want ECONFLICT", err)
		}
		if again.ID != "" || again.Seq != 0 {
			t.Errorf("a refused message kept id %q seq %d", again.ID, again.Seq)
		}
		if n := len(log()); n != 1 {
			t.Errorf("a refused message left %d events, want the first one only", n)
		}

		quiet := inbound("m.2")
		e, err = s.AddMessageAnnounced(ctx, quiet, func(*parley.Message) *parley.Event { return nil })
		must(t, err)
		if e != nil || quiet.Seq != 2 || len(log()) != 1 {
			t.Errorf("announce nil: event %v, seq %d, %d events; want no event, seq 2", e, quiet.Seq, len(log()))
		}
	})
}
