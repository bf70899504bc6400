package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPageHeaderAndForbidden checks the shared header's links by role and
// that a page a role may not open answers a styled 403 page that names
// what is missing, never plain text or JSON.
func TestPageHeaderAndForbidden(t *testing.T) {
	w := newFlowWorld(t, databases(t)["sqlite"](t), flowConfig{Open: true})
	alice := w.login("alice", "alice-pass")
	root := w.login("root", "root-pass")

	get := func(c *agent, path string) (int, string, string) {
		t.Helper()
		resp, err := c.client.Get(w.app.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	tests := []struct {
		name   string
		c      *agent
		path   string
		status int
		has    []string
		hasNot []string
	}{
		{"agent supervisor", alice, "/supervisor", http.StatusForbidden, []string{"not for your role", "supervisors and administrators", `href="/desktop"`, "data-logout"}, []string{`href="/supervisor"`}},
		{"agent scenarios", alice, "/admin/scenarios", http.StatusForbidden, []string{"not for your role", "administrators"}, nil},
		{"agent accounts", alice, "/admin/accounts", http.StatusForbidden, []string{"not for your role"}, nil},
		{"agent kb", alice, "/admin/kb", http.StatusForbidden, []string{"not for your role"}, nil},
		{"agent teams", alice, "/admin/teams", http.StatusForbidden, []string{"not for your role", "administrators"}, nil},
		{"admin teams", root, "/admin/teams", http.StatusOK, []string{`href="/admin/teams" aria-current="page"`, `href="/admin/users"`, `id="team-form"`}, nil},
		{"admin supervisor", root, "/supervisor", http.StatusOK,
			[]string{`href="/supervisor" aria-current="page"`, `href="/admin/accounts"`, `href="/admin/scenarios"`, `href="/admin/kb"`, "data-logout", ">admin<"}, nil},
		// The supervisor page maps over every list: none may be null.
		{"supervisor view with no chats", root, "/api/supervisor", http.StatusOK, []string{`"chats":[]`}, []string{":null"}},
		{"admin accounts", root, "/admin/accounts", http.StatusOK, []string{`href="/admin/accounts" aria-current="page"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, ctype, body := get(tc.c, tc.path)
			wantType := "text/html"
			if strings.HasPrefix(tc.path, "/api/") {
				wantType = "application/json"
			}
			if status != tc.status || !strings.HasPrefix(ctype, wantType) {
				t.Fatalf("GET %s: %d %s, want %d %s", tc.path, status, ctype, tc.status, wantType)
			}
			for _, s := range tc.has {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q", tc.path, s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("GET %s has %q", tc.path, s)
				}
			}
		})
	}
}
