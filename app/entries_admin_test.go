package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley/conversation"
)

// TestAdminEntries: the entries an admin sees and changes are the ones
// the file declared; an account stays in one entry, and every name an
// entry holds must exist.
func TestAdminEntries(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam := w.login("ada", "ada-pass"), w.login("sam", "sam-pass")
			const entries = "/api/admin/entries"
			var cat conversation.EntryCatalog
			ada.expect(http.StatusOK, "", http.MethodGet, entries, nil, &cat)
			if len(cat.Entries) != 1 || cat.Entries[0].AccountName != "acme-page" || len(cat.Accounts) != 1 || len(cat.Scenarios) == 0 {
				t.Fatalf("catalog %+v", cat)
			}
			e := cat.Entries[0]
			sam.expect(http.StatusForbidden, "", http.MethodGet, entries, nil, nil)

			good := conversation.EntryInput{Name: e.Name, AccountID: e.AccountID, Scenario: e.Scenario}
			bad := []struct {
				name string
				edit func(in *conversation.EntryInput)
				code int
				msg  string
			}{
				{"account in another entry", func(in *conversation.EntryInput) { in.Name = "Second" }, http.StatusConflict, "another entry"},
				{"unknown account", func(in *conversation.EntryInput) { in.AccountID = "nope" }, http.StatusBadRequest, "account"},
				{"unknown scenario", func(in *conversation.EntryInput) { in.Scenario = "nope" }, http.StatusBadRequest, `no scenario named "nope"`},
				{"unknown service", func(in *conversation.EntryInput) { in.Service = "Sales" }, http.StatusBadRequest, `no service named "Sales"`},
				{"unknown schedule", func(in *conversation.EntryInput) { in.Schedule = "weekdays" }, http.StatusBadRequest, `no schedule named "weekdays"`},
			}
			for _, b := range bad {
				in := good
				b.edit(&in)
				if code, msg := ada.call(http.MethodPut, entries, in, nil); code != b.code || !strings.Contains(msg, b.msg) {
					t.Errorf("%s: HTTP %d %q, want %d with %q", b.name, code, msg, b.code, b.msg)
				}
			}
			var saved conversation.AdminEntryView
			ada.expect(http.StatusOK, "", http.MethodPut, entries, good, &saved)
			ada.expect(http.StatusOK, "", http.MethodGet, entries, nil, &cat)
			if len(cat.Entries) != 1 || e.Service != "Support" || cat.Entries[0].Service != "" || cat.Entries[0].ID != e.ID {
				t.Fatalf("after the edit %+v", cat.Entries)
			}
			ada.expect(http.StatusNoContent, "", http.MethodDelete, entries+"/"+e.ID, nil, nil)
			ada.expect(http.StatusNotFound, "", http.MethodDelete, entries+"/"+e.ID, nil, nil)
			ada.expect(http.StatusOK, "", http.MethodGet, entries, nil, &cat)
			if len(cat.Entries) != 0 {
				t.Fatalf("after the delete %+v", cat.Entries)
			}
		})
	}
}
