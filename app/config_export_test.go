package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
)

// TestConfigExportImport: an admin downloads the running configuration
// (browser edits included, no secret in it), uploads it back unchanged
// and gets the same export; an upload with an error changes nothing and
// names its line; one for another tenant is refused.
func TestConfigExportImport(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam := w.login("ada", "ada-pass"), w.login("sam", "sam-pass")
			// A browser edit shows in the export.
			ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/not-ready-reasons", map[string]any{"reasons": []string{"Coaching"}}, nil)

			first, code := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil)
			if code != http.StatusOK || !strings.Contains(first, "not_ready_reasons:\n  - Coaching") || !strings.Contains(first, "accounts:") {
				t.Fatalf("export: HTTP %d\n%s", code, first)
			}
			if _, code := rawCall(t, sam, http.MethodGet, "/api/admin/config", "", nil); code != http.StatusForbidden {
				t.Errorf("a supervisor exported: HTTP %d", code)
			}
			accts, err := w.app.Store.Accounts(context.Background(), parley.DefaultTenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range accts {
				for field, v := range map[string]string{"access_token": a.AccessToken, "app_secret": a.AppSecret, "verify_token": a.VerifyToken} {
					if v != "" && strings.Contains(first, v) {
						t.Errorf("the export shows %s's %s", a.Name, field)
					}
					t.Setenv(config.SecretEnv(a.Name, field), v)
				}
			}

			if body, code := rawCall(t, ada, http.MethodPost, "/api/admin/config", "application/yaml", []byte(first)); code != http.StatusNoContent {
				t.Fatalf("import of the export: HTTP %d %s", code, body)
			}
			if again, _ := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil); again != first {
				t.Errorf("export → import → export differs:\n%s\n---\n%s", first, again)
			}

			broken := strings.Replace(first, "not_ready_reasons:\n  - Coaching", "not_ready_reasons:\n  - no answer", 1)
			body, code := rawCall(t, ada, http.MethodPost, "/api/admin/config", "application/yaml", []byte(broken))
			var res struct {
				Problems []struct {
					Line    int    `json:"line"`
					Message string `json:"message"`
				} `json:"problems"`
			}
			_ = json.Unmarshal([]byte(body), &res)
			if code != http.StatusBadRequest || len(res.Problems) != 1 || res.Problems[0].Line == 0 || !strings.Contains(res.Problems[0].Message, "given by Parley itself") {
				t.Errorf("broken import: HTTP %d %s", code, body)
			}
			if again, _ := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil); again != first {
				t.Errorf("a refused import changed the configuration")
			}
			if body, code := rawCall(t, ada, http.MethodPost, "/api/admin/config", "application/yaml", []byte("tenant: acme\n")); code != http.StatusForbidden {
				t.Errorf("another tenant's file: HTTP %d %s", code, body)
			}
		})
	}
}

// rawCall sends a non-JSON body and returns the answer's body as text.
func rawCall(t *testing.T, a *agent, method, path, contentType string, body []byte) (string, int) {
	t.Helper()
	req, _ := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

// TestConfigImportWhole: a file the database refuses part way (its entry
// takes a page another entry holds, found only when the entries are
// written, after everything else) changes nothing: not the not-ready
// reasons written first, not the service written before the entries.
func TestConfigImportWhole(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada := w.login("ada", "ada-pass")
			first, code := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil)
			if code != http.StatusOK {
				t.Fatalf("export: HTTP %d", code)
			}
			accts, err := w.app.Store.Accounts(context.Background(), parley.DefaultTenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range accts {
				for field, v := range map[string]string{"access_token": a.AccessToken, "app_secret": a.AppSecret, "verify_token": a.VerifyToken} {
					t.Setenv(config.SecretEnv(a.Name, field), v)
				}
			}
			edited := strings.Replace(first, "- name: Messenger\n", "- name: Messenger 2\n", 1)
			edited = strings.Replace(edited, "services:\n", "services:\n  - name: Returns\n", 1)
			edited = "not_ready_reasons:\n  - Lunch\n" + edited
			if edited == first || !strings.Contains(edited, "Messenger 2") || !strings.Contains(edited, "Returns") {
				t.Fatalf("the export did not have the expected shape:\n%s", first)
			}
			body, code := rawCall(t, ada, http.MethodPost, "/api/admin/config", "application/yaml", []byte(edited))
			if code != http.StatusConflict || !strings.Contains(body, "attached to another entry") {
				t.Fatalf("import of a file whose entry takes a held page: HTTP %d %s", code, body)
			}
			if again, _ := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil); again != first {
				t.Errorf("a refused import changed part of the configuration:\n%s\n---\n%s", first, again)
			}
		})
	}
}

// TestConfigExportAccountFromForm: a page created in Admin → Accounts
// sends every field of its form, the website button's empty App ID
// included; the export names no setting that was left empty.
func TestConfigExportAccountFromForm(t *testing.T) {
	w := newWorld(t, databases(t)["sqlite"](t))
	ada := w.login("ada", "ada-pass")
	ada.expect(http.StatusCreated, "", http.MethodPost, "/api/admin/accounts", map[string]any{"name": "second-page", "type": "facebook",
		"page_id": "200000000000002", "access_token": "second-token", "app_secret": "second-secret", "verify_token": "second-verify", "settings": map[string]string{"app_id": ""}}, nil)
	export, code := rawCall(t, ada, http.MethodGet, "/api/admin/config", "", nil)
	if code != http.StatusOK {
		t.Fatalf("export: HTTP %d\n%s", code, export)
	}
	if strings.Contains(export, "app_id") {
		t.Errorf("the export keeps the empty App ID of the form:\n%s", export)
	}
}
