package sqlstore_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestFiles(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		f := &parley.File{TenantID: "t1", Name: "photo.png", ContentType: "image/png", SourceURL: "https://cdn.example/p.png", Data: []byte{0x89, 'P', 'N', 'G', 0, 1, 2}}
		must(t, s.PutFile(ctx, f))
		if f.ID == "" || f.Size != 7 || f.CreatedAt.IsZero() {
			t.Fatalf("PutFile: %+v", f)
		}
		got, err := s.File(ctx, f.ID)
		must(t, err)
		if !bytes.Equal(got.Data, f.Data) || got.Name != "photo.png" || got.ContentType != "image/png" || got.SourceURL != f.SourceURL || got.TenantID != "t1" {
			t.Fatalf("File = %+v", got)
		}
		_, err = s.File(ctx, "nope")
		wantCode(t, err, parley.ENOTFOUND)
	})
}

func TestMarkReceipt(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		a := addOut(t, s, c.ID, "a", at(1))
		b := addOut(t, s, c.ID, "b", at(2))
		p := addOut(t, s, c.ID, "still pending", at(3))
		must(t, markSent(s, a.ID, "m_a", at(10)))
		must(t, markSent(s, b.ID, "m_b", at(20)))

		// A delivery naming b's mid.
		changed, err := s.MarkReceipt(ctx, c.CustomerID, parley.MsgDelivered, []string{"m_b"}, time.Time{})
		must(t, err)
		if len(changed) != 1 || changed[0].ID != b.ID || changed[0].Status != parley.MsgDelivered {
			t.Fatalf("delivery by mid changed %+v", changed)
		}
		// A read watermark covering a (sent) but not yet the later ones.
		changed, err = s.MarkReceipt(ctx, c.CustomerID, parley.MsgRead, nil, at(15))
		must(t, err)
		if len(changed) != 1 || changed[0].ID != a.ID {
			t.Fatalf("read up to 15s changed %+v", changed)
		}
		// Statuses never move backwards; pending messages are untouched.
		changed, err = s.MarkReceipt(ctx, c.CustomerID, parley.MsgDelivered, []string{"m_a"}, at(100))
		must(t, err)
		if len(changed) != 0 {
			t.Fatalf("a delivery after read changed %+v", changed)
		}
		for id, want := range map[string]string{a.ID: parley.MsgRead, b.ID: parley.MsgDelivered, p.ID: parley.MsgPending} {
			m, err := s.Message(ctx, id)
			must(t, err)
			if m.Status != want {
				t.Errorf("%s: status %s, want %s", m.Text, m.Status, want)
			}
		}
		// Another customer's receipt changes nothing here.
		changed, err = s.MarkReceipt(ctx, "someone-else", parley.MsgRead, nil, at(100))
		must(t, err)
		if len(changed) != 0 {
			t.Fatalf("another customer's read changed %+v", changed)
		}
		_, err = s.MarkReceipt(ctx, c.CustomerID, parley.MsgSent, nil, at(1))
		wantCode(t, err, parley.EINVALID)
	})
}

func TestAccountHealthAndChatAccounts(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		_, err := s.AccountHealth(ctx, "a1")
		wantCode(t, err, parley.ENOTFOUND)
		h := &parley.AccountHealth{AccountID: "a1", CheckedAt: at(1), TokenOK: true, Subscribed: true, Resubscribed: true, PageName: "Acme"}
		must(t, s.SetAccountHealth(ctx, h))
		h2 := &parley.AccountHealth{AccountID: "a1", CheckedAt: at(2), Error: "Error validating access token"}
		must(t, s.SetAccountHealth(ctx, h2))
		got, err := s.AccountHealth(ctx, "a1")
		must(t, err)
		if *got != *h2 {
			t.Fatalf("AccountHealth = %+v, want %+v", got, h2)
		}

		id, err := s.ServiceChatAccount(ctx, "svc")
		must(t, err)
		if id != "" {
			t.Fatalf("no chat account yet, got %q", id)
		}
		must(t, s.SetServiceChatAccount(ctx, "svc", "a1"))
		must(t, s.SetServiceChatAccount(ctx, "svc", "a2")) // at most one: replaced
		if id, _ = s.ServiceChatAccount(ctx, "svc"); id != "a2" {
			t.Fatalf("chat account = %q, want a2", id)
		}
		must(t, s.SetServiceChatAccount(ctx, "svc", ""))
		if id, _ = s.ServiceChatAccount(ctx, "svc"); id != "" {
			t.Fatalf("cleared chat account = %q", id)
		}
	})
}

func TestFileUses(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		f := &parley.File{TenantID: "t1", Name: "a.png", Data: []byte("a")}
		other := &parley.File{TenantID: "t1", Name: "b.png", Data: []byte("b")}
		must(t, s.PutFile(ctx, f))
		must(t, s.PutFile(ctx, other))
		payload := `{"attachments":[{"type":"image","url":"/files/` + f.ID + `","file_id":"` + f.ID + `"}]}`
		c := newChat(t, s, "t1")
		m := &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent, AgentID: "agent-1",
			Kind: parley.KindAttachment, Text: "a.png", Payload: payload, CreatedAt: at(1)}
		must(t, s.AddMessage(ctx, m))
		elsewhere := newChat(t, s, "t2") // another tenant naming the same id
		must(t, s.AddMessage(ctx, &parley.Message{ChatID: elsewhere.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
			Kind: parley.KindAttachment, Payload: payload, CreatedAt: at(2)}))
		addOut(t, s, c.ID, "no file here", at(3))

		tests := []struct {
			name, tenant, id string
			want             []parley.FileUse
		}{
			{"referenced", "t1", f.ID, []parley.FileUse{{MessageID: m.ID, ChatID: c.ID, AgentID: "agent-1"}}},
			{"unreferenced", "t1", other.ID, nil},
			{"wildcard", "t1", "%", nil},
			{"prefix wildcard", "t1", f.ID[:8] + "%", nil},
		}
		for _, tt := range tests {
			got, err := s.FileUses(ctx, tt.tenant, tt.id)
			must(t, err)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: FileUses = %+v, want %+v", tt.name, got, tt.want)
			}
		}
	})
}
