package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// bearer calls the API with an API key and no cookie.
func bearer(t *testing.T, base, token, method, path string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// TestAPIKeys: an admin makes keys; a key works as its role without a
// session, is shown once, stored only as a hash, and stops at once when
// revoked.
func TestAPIKeys(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newFlowWorld(t, dsn(t), flowConfig{Open: true})
			root := w.login("root", "root-pass")
			alice := w.login("alice", "alice-pass")
			base := w.app.URL()

			type keyJSON struct {
				ID, Name, Role, Token, Hint string
				LastUsedAt                  *string `json:"last_used_at"`
				RevokedAt                   *string `json:"revoked_at"`
			}
			var sup, agentKey keyJSON
			if code := root.do(http.MethodPost, "/api/admin/api-keys", map[string]string{"name": "wallboard tv", "role": "supervisor"}, &sup); code != http.StatusCreated || !strings.HasPrefix(sup.Token, "prk_") {
				t.Fatalf("create: HTTP %d %+v", code, sup)
			}
			if code := root.do(http.MethodPost, "/api/admin/api-keys", map[string]string{"name": "bot", "role": "agent"}, &agentKey); code != http.StatusCreated {
				t.Fatalf("create agent key: HTTP %d", code)
			}
			for _, bad := range []map[string]string{{"name": "wallboard tv", "role": "agent"}, {"name": "", "role": "agent"}, {"name": "x", "role": "owner"}} {
				if code := root.do(http.MethodPost, "/api/admin/api-keys", bad, nil); code != http.StatusConflict && code != http.StatusBadRequest {
					t.Errorf("create %v: HTTP %d, want 400 or 409", bad, code)
				}
			}
			if code := alice.do(http.MethodPost, "/api/admin/api-keys", map[string]string{"name": "mine", "role": "admin"}, nil); code != http.StatusForbidden {
				t.Errorf("an agent making a key: HTTP %d, want 403", code)
			}

			tests := []struct {
				name, token, method, path string
				want                      int
			}{
				{"supervisor key reads the floor", sup.Token, http.MethodGet, "/api/supervisor", http.StatusOK},
				{"supervisor key is not admin", sup.Token, http.MethodGet, "/api/admin/webhooks", http.StatusForbidden},
				{"agent key is not supervisor", agentKey.Token, http.MethodGet, "/api/supervisor", http.StatusForbidden},
				{"wrong secret", sup.Token[:len(sup.Token)-2] + "xx", http.MethodGet, "/api/supervisor", http.StatusUnauthorized},
				{"not a key", "hello", http.MethodGet, "/api/supervisor", http.StatusUnauthorized},
			}
			for _, tc := range tests {
				if code := bearer(t, base, tc.token, tc.method, tc.path, nil); code != tc.want {
					t.Errorf("%s: %s %s = HTTP %d, want %d", tc.name, tc.method, tc.path, code, tc.want)
				}
			}

			var list struct{ Keys []keyJSON }
			if code := root.do(http.MethodGet, "/api/admin/api-keys", nil, &list); code != http.StatusOK || len(list.Keys) != 2 {
				t.Fatalf("list: HTTP %d %+v", code, list)
			}
			for _, k := range list.Keys {
				if k.Token != "" {
					t.Errorf("key %s listed with its token", k.Name)
				}
				if k.Name == "wallboard tv" && (k.LastUsedAt == nil || k.Hint != sup.Token[len(sup.Token)-4:]) {
					t.Errorf("used key listed as %+v, want its last use and hint", k)
				}
			}
			// Only a hash is stored.
			keys, err := w.app.Store.APIKeys(context.Background(), "default")
			if err != nil {
				t.Fatal(err)
			}
			_, hash, err := w.app.Store.APIKey(context.Background(), keys[0].ID)
			if err != nil || strings.Contains(sup.Token, hash) || len(hash) != 64 {
				t.Errorf("stored secret %q (%v): want a SHA-256 hash, not the token", hash, err)
			}

			if code := root.do(http.MethodDelete, "/api/admin/api-keys/"+sup.ID, nil, nil); code != http.StatusNoContent {
				t.Fatalf("revoke: HTTP %d", code)
			}
			if code := bearer(t, base, sup.Token, http.MethodGet, "/api/supervisor", nil); code != http.StatusUnauthorized {
				t.Errorf("revoked key: HTTP %d, want 401", code)
			}
		})
	}
}
