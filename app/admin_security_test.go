package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
)

// TestConnectionReasonNeverEchoesBodies points Test Connection at an
// internal server (overrides allowed for loopback, as in the demo): what
// that server answers must never come back, only a short classified
// reason; real Graph errors still explain themselves.
func TestConnectionReasonNeverEchoesBodies(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.Split(r.URL.Path, "/")[1] {
		case "html500":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "<html>SECRET internal admin console</html>")
		case "text200":
			io.WriteString(w, "SECRET metadata: instance-id i-0abc")
		case "json200":
			io.WriteString(w, `{"id":"SECRET-ID","name":"SECRET name"}`)
		case "graph":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`)
		}
	}))
	t.Cleanup(internal.Close)
	w := newTunedWorld(t, filepath.Join(t.TempDir(), "parley.db"), func(c *app.Config) { c.AllowAPIBaseURL = "loopback" })
	ada := w.login("ada", "ada-pass")
	tests := []struct {
		name, base, wantReason string
	}{
		{"HTML error page", internal.URL + "/html500", "not the Graph API"},
		{"text 200", internal.URL + "/text200", "not the Graph API"},
		{"JSON 200 that is no page", internal.URL + "/json200", "not the Graph API"},
		{"unreachable", "http://127.0.0.1:1", "cannot reach the Graph API"},
		{"Graph error", internal.URL + "/graph", "Invalid OAuth access token."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := ada.raw(http.MethodPost, "/api/admin/accounts/test",
				map[string]string{"page_id": "123456", "access_token": "tok", "api_base_url": tt.base})
			if code != http.StatusOK {
				t.Fatalf("HTTP %d %s", code, body)
			}
			var res struct {
				Valid  bool
				Reason string
			}
			_ = json.Unmarshal([]byte(body), &res)
			if strings.Contains(body, "SECRET") || strings.Contains(body, "127.0.0.1") || res.Valid {
				t.Fatalf("answer reveals the other server: %s", body)
			}
			if !strings.Contains(res.Reason, tt.wantReason) || len(res.Reason) > 120 {
				t.Errorf("reason %q, want a short one mentioning %q", res.Reason, tt.wantReason)
			}
		})
	}
}

// TestAPIBaseURLOverrides checks that by default the admin API refuses a
// Graph API base URL other than the stored one, while the stored one
// (which the Admin page posts back) and the configuration file's keep
// working.
func TestAPIBaseURLOverrides(t *testing.T) {
	w := newWorld(t, filepath.Join(t.TempDir(), "parley.db"))
	ada := w.login("ada", "ada-pass")
	var list struct {
		Accounts []struct {
			ID         string `json:"id"`
			APIBaseURL string `json:"api_base_url"`
		}
	}
	if code := ada.do(http.MethodGet, "/api/admin/accounts", nil, &list); code != http.StatusOK || len(list.Accounts) != 1 {
		t.Fatalf("accounts: HTTP %d %+v", code, list)
	}
	acct := list.Accounts[0]
	inner := "http://127.0.0.1:9/internal"
	tests := []struct {
		name, method, path string
		body               map[string]any
		want               int
	}{
		{"test with another base URL", http.MethodPost, "/api/admin/accounts/test",
			map[string]any{"page_id": pageID, "access_token": "tok", "api_base_url": inner}, http.StatusForbidden},
		{"test a stored account with another base URL", http.MethodPost, "/api/admin/accounts/test",
			map[string]any{"id": acct.ID, "api_base_url": inner}, http.StatusForbidden},
		{"create with a base URL", http.MethodPost, "/api/admin/accounts",
			map[string]any{"name": "inner", "page_id": "999", "access_token": "tok", "app_secret": "s", "verify_token": "v", "api_base_url": inner}, http.StatusForbidden},
		{"update to another base URL", http.MethodPut, "/api/admin/accounts/" + acct.ID,
			map[string]any{"name": "acme-page", "page_id": pageID, "api_base_url": inner}, http.StatusForbidden},
		{"update posting the stored base URL back", http.MethodPut, "/api/admin/accounts/" + acct.ID,
			map[string]any{"name": "acme-page", "page_id": pageID, "api_base_url": acct.APIBaseURL}, http.StatusOK},
		{"test the stored account", http.MethodPost, "/api/admin/accounts/test",
			map[string]any{"id": acct.ID, "api_base_url": acct.APIBaseURL}, http.StatusOK},
	}
	for _, tt := range tests {
		if code, body := ada.raw(tt.method, tt.path, tt.body); code != tt.want {
			t.Errorf("%s: HTTP %d %s, want %d", tt.name, code, body, tt.want)
		}
	}
	var res struct{ Valid bool }
	ada.do(http.MethodPost, "/api/admin/accounts/test", map[string]string{"id": acct.ID}, &res)
	if !res.Valid {
		t.Error("the stored account no longer tests valid")
	}
}

// TestConfigReloadOnlyByItsTenant: an admin of another tenant may not
// reload the file that configures the default tenant, and no answer shows
// the server's path to the file, only its name.
func TestConfigReloadOnlyByItsTenant(t *testing.T) {
	w := newWorld(t, filepath.Join(t.TempDir(), "parley.db"))
	ctx := context.Background()
	if err := w.app.Store.EnsureTenant(ctx, &parley.Tenant{ID: "globex", Name: "Globex"}); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("hank-pass"), bcrypt.MinCost)
	if err := w.app.Store.UpsertUser(ctx, &parley.User{TenantID: "globex", Username: "hank", DisplayName: "Hank",
		Role: parley.RoleAdmin, PasswordHash: string(hash), Capacity: 1}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	hank := &agent{t: t, base: w.app.URL(), client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code := hank.do(http.MethodPost, "/api/login", map[string]string{"tenant": "globex", "username": "hank", "password": "hank-pass"}, nil); code != http.StatusOK {
		t.Fatalf("login hank: HTTP %d", code)
	}
	ada := w.login("ada", "ada-pass")
	dir := filepath.Dir(w.cfg)
	tests := []struct {
		name       string
		as         *agent
		method     string
		path       string
		want       int
		wantInBody string
	}{
		{"another tenant's admin reloads", hank, http.MethodPost, "/api/admin/config/reload", http.StatusForbidden, ""},
		{"the file's tenant's admin reloads", ada, http.MethodPost, "/api/admin/config/reload", http.StatusOK, `"file":"parley.yaml"`},
		{"validate", ada, http.MethodPost, "/api/admin/config/validate", http.StatusOK, `"file":"parley.yaml"`},
		{"scenario list", ada, http.MethodGet, "/api/admin/scenarios", http.StatusOK, `"config_file":"parley.yaml"`},
	}
	for _, tt := range tests {
		code, body := tt.as.raw(tt.method, tt.path, nil)
		if code != tt.want || !strings.Contains(body, tt.wantInBody) {
			t.Errorf("%s: HTTP %d %s, want %d with %s", tt.name, code, body, tt.want, tt.wantInBody)
		}
		if strings.Contains(body, dir) {
			t.Errorf("%s: the answer shows the server's path: %s", tt.name, body)
		}
	}
}
