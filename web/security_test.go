package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestCrossSiteRequestsRefused: a page of another site cannot make a
// logged-in browser change anything: every state-changing request a
// browser marks cross-site, or sends from another origin, is refused
// before it reaches a handler. The same requests from our own pages, and
// from servers (platforms' webhooks send neither header), go through.
func TestCrossSiteRequestsRefused(t *testing.T) {
	rig := newLoginRig(t, sqltest.OpenSQLite(t))
	requests := []struct{ method, path string }{
		{http.MethodPost, "/api/login"},
		{http.MethodPost, "/api/logout"},
		{http.MethodPut, "/api/me/state"},
		{http.MethodPost, "/api/chats/c1/messages"},
		{http.MethodPost, "/api/chats/c1/close"},
		{http.MethodDelete, "/api/me/sessions/s1"},
		{http.MethodPost, "/api/admin/config/reload"},
		{http.MethodPost, "/api/admin/accounts"},
		{http.MethodPut, "/api/admin/accounts/a1"},
	}
	forged := []struct {
		name   string
		header map[string]string
	}{
		{"marked cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"marked same-site (a sibling subdomain)", map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"from another origin", map[string]string{"Origin": "https://evil.example"}},
	}
	do := func(method, path string, header map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(method, rig.url+path, strings.NewReader(`{"username":"u1","password":"wrong"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, rq := range requests {
		for _, f := range forged {
			if code := do(rq.method, rq.path, f.header); code != http.StatusForbidden {
				t.Errorf("%s %s %s: HTTP %d, want 403", rq.method, rq.path, f.name, code)
			}
		}
		for _, ok := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Origin": rig.url}, nil} {
			if code := do(rq.method, rq.path, ok); code == http.StatusForbidden {
				t.Errorf("%s %s with %v: refused as cross-site", rq.method, rq.path, ok)
			}
		}
	}
}

// TestSecurityHeaders: every answer, pages, scripts, API and errors
// alike, carries a Content-Security-Policy without inline script or
// style that forbids framing, and no-sniff.
func TestSecurityHeaders(t *testing.T) {
	rig := newLoginRig(t, sqltest.OpenSQLite(t))
	for _, path := range []string{"/login", "/desktop", "/static/desktop.js", "/static/style.css", "/api/me", "/healthz", "/no-such-page"} {
		resp, err := http.Get(rig.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
	}
}

// TestSessionCookie: the session cookie is out of scripts' reach and not
// sent with other sites' requests.
func TestSessionCookie(t *testing.T) {
	rig := newLoginRig(t, sqltest.OpenSQLite(t))
	resp, err := http.Post(rig.url+"/api/login", "application/json", strings.NewReader(`{"username":"u1","password":"right-u1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusOK || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Fatalf("login: HTTP %d, Set-Cookie %q", resp.StatusCode, c)
	}
}
