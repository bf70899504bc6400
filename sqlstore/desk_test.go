package sqlstore_test

import (
	"encoding/json"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestCannedResponsesStore(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		mk := func(scope, svc, owner, shortcut string) *parley.CannedResponse {
			return &parley.CannedResponse{TenantID: "t1", Scope: scope, ServiceID: svc, OwnerID: owner,
				Title: shortcut, Shortcut: shortcut, Text: "Hi $(first_name)"}
		}
		g := mk(parley.CannedGlobal, "", "", "hello")
		g.QuickReplies = []string{"Yes", "No"}
		g.Attachments = []parley.CannedAttachment{{Type: "image", URL: "https://example.com/a.png"}}
		must(t, s.SaveCannedResponse(ctx, g))
		must(t, s.SaveCannedResponse(ctx, mk(parley.CannedService, "svc1", "", "hello")))
		must(t, s.SaveCannedResponse(ctx, mk(parley.CannedPersonal, "", "alice", "mine")))
		must(t, s.SaveCannedResponse(ctx, mk(parley.CannedPersonal, "", "bob", "mine")))
		must(t, s.SaveCannedResponse(ctx, &parley.CannedResponse{TenantID: "t2", Scope: parley.CannedGlobal, Title: "x", Shortcut: "x", Text: "x"}))

		// The same shortcut twice in one list is a conflict.
		if err := s.SaveCannedResponse(ctx, mk(parley.CannedGlobal, "", "", "hello")); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("duplicate shortcut: err = %v, want conflict", err)
		}
		for _, tt := range []struct {
			owner string
			want  int
		}{{"alice", 3}, {"bob", 3}, {"", 2}, {"carol", 2}} {
			list, err := s.CannedResponses(ctx, "t1", tt.owner)
			must(t, err)
			if len(list) != tt.want {
				t.Errorf("CannedResponses(%q) = %d responses, want %d", tt.owner, len(list), tt.want)
			}
			for _, c := range list {
				if c.Scope == parley.CannedPersonal && c.OwnerID != tt.owner {
					t.Errorf("CannedResponses(%q) shows %s's personal response", tt.owner, c.OwnerID)
				}
			}
		}
		got, err := s.CannedResponse(ctx, g.ID)
		must(t, err)
		if len(got.QuickReplies) != 2 || len(got.Attachments) != 1 || got.Text != g.Text || got.UpdatedAt.IsZero() {
			t.Errorf("CannedResponse = %+v", got)
		}
		got.Text = "changed"
		must(t, s.SaveCannedResponse(ctx, got))
		if again, _ := s.CannedResponse(ctx, g.ID); again.Text != "changed" {
			t.Errorf("update not stored: %+v", again)
		}
		// The file's list replaces the file's list only, and wins a shortcut.
		must(t, s.ReplaceConfigCanned(ctx, "t1", []*parley.CannedResponse{mk(parley.CannedGlobal, "", "", "hello"), mk(parley.CannedGlobal, "", "", "bye")}))
		must(t, s.ReplaceConfigCanned(ctx, "t1", []*parley.CannedResponse{mk(parley.CannedGlobal, "", "", "bye")}))
		list, err := s.CannedResponses(ctx, "t1", "")
		must(t, err)
		var shortcuts []string
		for _, c := range list {
			shortcuts = append(shortcuts, c.Shortcut+map[bool]string{true: "*"}[c.FromConfig])
		}
		if b, _ := json.Marshal(shortcuts); string(b) != `["bye*","hello"]` {
			t.Errorf("after ReplaceConfigCanned: %s", b)
		}
		must(t, s.DeleteCannedResponse(ctx, list[1].ID))
		if err := s.DeleteCannedResponse(ctx, list[1].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("delete twice: %v", err)
		}
	})
}

func TestWrapUpStore(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		d, err := s.ServiceDesk(ctx, "svc1")
		must(t, err)
		if d.DispositionRequired || len(d.Dispositions) != 0 {
			t.Errorf("unset desk = %+v", d)
		}
		must(t, s.SetServiceDesk(ctx, "svc1", parley.ServiceDesk{Dispositions: []string{"Resolved", "Refund"}, DispositionRequired: true,
			ScreenPopURL: "https://crm.example.com/?q=$(psid)", ScreenPopMode: parley.ScreenPopTab}))
		d, err = s.ServiceDesk(ctx, "svc1")
		must(t, err)
		if !d.DispositionRequired || len(d.Dispositions) != 2 || d.ScreenPopMode != parley.ScreenPopTab {
			t.Errorf("desk = %+v", d)
		}

		w := &parley.WrapUp{ChatID: "c1", TenantID: "t1", CustomerID: "cu1", Disposition: "Resolved", Notes: "ok", AgentID: "a1"}
		fact := &parley.Fact{TenantID: "t1", ChatID: "c1", ServiceID: "svc1", AgentID: "a1", Kind: parley.FactDispositionSet, At: at(5), Disposition: "Resolved"}
		e := &parley.Event{TenantID: "t1", Type: parley.EventChatWrapUp, ChatID: "c1", AgentID: "a1", Data: json.RawMessage(`{}`), Hook: parley.HookDispositionSet}
		must(t, s.SaveWrapUp(ctx, w, fact, e))
		if e.ID == 0 || fact.ID == 0 {
			t.Errorf("ids not set: event %d fact %d", e.ID, fact.ID)
		}
		evs, err := s.EventsAfter(ctx, "t1", e.ID-1, 10)
		must(t, err)
		if len(evs) != 1 || evs[0].Type != parley.EventChatWrapUp || evs[0].Hook != parley.HookDispositionSet {
			t.Errorf("events after the wrap-up = %+v", evs)
		}
		facts, err := s.ChatFacts(ctx, "t1", "c1")
		must(t, err)
		if len(facts) != 1 || facts[0].Disposition != "Resolved" || facts[0].Kind != parley.FactDispositionSet {
			t.Errorf("facts = %v", facts)
		}
		w.Notes = "changed"
		must(t, s.SaveWrapUp(ctx, w, nil, &parley.Event{TenantID: "t1", Type: parley.EventChatWrapUp, ChatID: "c1"}))
		got, err := s.WrapUps(ctx, []string{"c1", "c2"})
		must(t, err)
		if len(got) != 1 || got["c1"].Notes != "changed" || got["c1"].Disposition != "Resolved" || got["c1"].CustomerID != "cu1" {
			t.Errorf("WrapUps = %+v", got)
		}
		// A fact that does not validate stores nothing.
		bad := &parley.Fact{TenantID: "t1", ChatID: "c2", Kind: parley.FactDispositionSet, At: at(6)}
		if err := s.SaveWrapUp(ctx, &parley.WrapUp{ChatID: "c2", TenantID: "t1"}, bad, &parley.Event{TenantID: "t1"}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("bad fact: %v", err)
		}
		if got, _ := s.WrapUps(ctx, []string{"c2"}); len(got) != 0 {
			t.Errorf("half-applied wrap-up: %+v", got)
		}

		c, err := s.CustomerContact(ctx, "cu1")
		must(t, err)
		if c.Email != "" || len(c.Fields) != 0 {
			t.Errorf("unset contact = %+v", c)
		}
		must(t, s.SaveCustomerContact(ctx, &parley.CustomerContact{CustomerID: "cu1", TenantID: "t1", Email: "a@b.c", Phone: "+1", Fields: map[string]string{"plan": "gold"}}))
		c, err = s.CustomerContact(ctx, "cu1")
		must(t, err)
		if c.Email != "a@b.c" || c.Phone != "+1" || c.Fields["plan"] != "gold" || c.TenantID != "t1" {
			t.Errorf("contact = %+v", c)
		}
	})
}
