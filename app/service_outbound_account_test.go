package app_test

import (
	"net/http"
	"testing"

	"github.com/parleycc/parley/conversation"
)

// TestAdminServiceOutboundAccount: an admin sets a service's outbound
// account through the services API; an edit that leaves it out keeps it,
// an account of no one is refused, and "" clears it.
func TestAdminServiceOutboundAccount(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada := w.login("ada", "ada-pass")
			var accounts struct{ Accounts []struct{ ID, Name string } }
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/accounts", nil, &accounts)
			if len(accounts.Accounts) != 1 {
				t.Fatalf("accounts %+v", accounts.Accounts)
			}
			page := accounts.Accounts[0].ID
			const services = "/api/admin/services"
			routing := map[string]any{"strategy": "least_busy"}

			var created, kept, cleared conversation.AdminServiceView
			ada.expect(http.StatusCreated, "", http.MethodPost, services, map[string]any{"name": "Outreach", "routing": routing, "outbound_account_id": page}, &created)
			if created.OutboundAccountID != page {
				t.Fatalf("created with outbound account %q, want %q", created.OutboundAccountID, page)
			}
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, map[string]any{"max_chats_per_agent": 2, "routing": routing, "version": created.Version}, &kept)
			if kept.OutboundAccountID != page {
				t.Fatalf("an edit without the key left %q", kept.OutboundAccountID)
			}
			ada.expect(http.StatusBadRequest, "outbound_account_id: no account", http.MethodPut, services+"/"+created.ID,
				map[string]any{"routing": routing, "version": kept.Version, "outbound_account_id": "no-such-account"}, nil)
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, map[string]any{"routing": routing, "version": kept.Version, "outbound_account_id": ""}, &cleared)
			if cleared.OutboundAccountID != "" {
				t.Fatalf("cleared to %q", cleared.OutboundAccountID)
			}
		})
	}
}
