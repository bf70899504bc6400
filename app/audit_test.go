package app_test

import (
	"net/http"
	"testing"
)

// TestAuditTrail: configuration changes are recorded with who, what and
// the object before and after, never a secret, and can be searched.
func TestAuditTrail(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newFlowWorld(t, dsn(t), flowConfig{Open: true})
			root := w.login("root", "root-pass")
			alice := w.login("alice", "alice-pass")

			var hook struct {
				ID      string
				Version int
				Secret  string
			}
			in := map[string]any{"name": "crm", "url": "https://crm.example.com/in", "events": []string{"chat.closed"}}
			if code := root.do(http.MethodPost, "/api/admin/webhooks", in, &hook); code != http.StatusCreated {
				t.Fatalf("create webhook: HTTP %d", code)
			}
			in["url"], in["version"] = "https://crm.example.com/v2", hook.Version
			if code := root.do(http.MethodPut, "/api/admin/webhooks/"+hook.ID, in, nil); code != http.StatusOK {
				t.Fatalf("update webhook: HTTP %d", code)
			}
			var key struct{ ID, Token string }
			if code := root.do(http.MethodPost, "/api/admin/api-keys", map[string]string{"name": "bi", "role": "supervisor"}, &key); code != http.StatusCreated {
				t.Fatalf("create key: HTTP %d", code)
			}
			if code := root.do(http.MethodDelete, "/api/admin/webhooks/"+hook.ID, nil, nil); code != http.StatusNoContent {
				t.Fatalf("delete webhook: HTTP %d", code)
			}

			type entry struct {
				Actor  string
				Action string
				Object string `json:"object_name"`
				Before map[string]any
				After  map[string]any
			}
			var res struct {
				Entries []entry
			}
			if code := root.do(http.MethodGet, "/api/admin/audit", nil, &res); code != http.StatusOK {
				t.Fatalf("audit: HTTP %d", code)
			}
			var actions []string
			for _, e := range res.Entries {
				actions = append(actions, e.Action)
				if e.Actor != "root" {
					t.Errorf("%s by %q, want root", e.Action, e.Actor)
				}
				for _, side := range []map[string]any{e.Before, e.After} {
					if side["secret"] != nil || side["token"] != nil {
						t.Errorf("%s records a secret: %v", e.Action, side)
					}
				}
			}
			want := []string{"webhook.delete", "api_key.create", "webhook.update", "webhook.create"}
			if len(actions) != len(want) {
				t.Fatalf("audit actions = %v, want %v", actions, want)
			}
			for i := range want {
				if actions[i] != want[i] {
					t.Fatalf("audit actions = %v, want %v (newest first)", actions, want)
				}
			}
			upd := res.Entries[2]
			if upd.Before["url"] != "https://crm.example.com/in" || upd.After["url"] != "https://crm.example.com/v2" || upd.Object != "crm" {
				t.Errorf("update entry = %+v, want the URL before and after", upd)
			}

			for _, tc := range []struct {
				query string
				want  int
			}{
				{"?object_type=webhook", 3},
				{"?object_type=api_key", 1},
				{"?q=CRM", 3},
				{"?actor=alice", 0},
				{"?limit=1", 1},
			} {
				res.Entries = nil
				if code := root.do(http.MethodGet, "/api/admin/audit"+tc.query, nil, &res); code != http.StatusOK || len(res.Entries) != tc.want {
					t.Errorf("audit%s: HTTP %d, %d entries, want %d", tc.query, code, len(res.Entries), tc.want)
				}
			}
			if code := root.do(http.MethodGet, "/api/admin/audit?from=yesterday", nil, nil); code != http.StatusBadRequest {
				t.Errorf("bad from: HTTP %d, want 400", code)
			}
			if code := alice.do(http.MethodGet, "/api/admin/audit", nil, nil); code != http.StatusForbidden {
				t.Errorf("an agent reading the audit trail: HTTP %d, want 403", code)
			}
		})
	}
}
