package e2e

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley/conversation"
)

// TestLoginLockedMessage fails bob's password five times, then types the
// right one on the login page: the page says sign-in is locked and when
// to try again.
func TestLoginLockedMessage(t *testing.T) {
	chromiumPath(t) // skip (or fail on CI) before starting anything
	srv := startServer(t)
	for i := range 5 {
		resp, err := http.Post(srv.URL+"/api/login", "application/json", bytes.NewReader([]byte(`{"username":"bob","password":"wrong"}`)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusUnauthorized}[i == 4]; resp.StatusCode != want {
			t.Fatalf("wrong password %d: HTTP %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	browser := newBrowser(t)
	tb := newTab(t, browser, "login")
	tb.do("log in with the right password while locked",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		typeInto(chromedp.ID("username"), "bob"),
		typeInto(chromedp.ID("password"), "bob-demo"),
		chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID("login-error")),
	)
	tb.waitText("#login-error", "Too many failed logins")
	tb.waitText("#login-error", "try again at")
}

// TestLoginTenant: once a second tenant exists, the sign-in page asks for
// the organisation; acme's admin signs in with it (a link can fill it in)
// and lands in acme's Admin, which has acme's services only.
func TestLoginTenant(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	if srv.app == nil {
		t.Skip("needs the server in-process to make a tenant")
	}
	if _, err := conversation.CreateAdmin(context.Background(), srv.app.app.Store, conversation.NewAdmin{Tenant: "acme",
		Username: "admin", Password: "acme-admin-1", Cost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)
	tb := newTab(t, browser, "acme admin")
	tb.do("open the sign-in link of acme",
		chromedp.Navigate(srv.URL+"/login?tenant=acme&next=/admin/services"),
		chromedp.WaitVisible(chromedp.ID("tenant")),
	)
	tb.waitFor("acme filled in", `() => document.querySelector("#tenant").value === "acme"`)
	tb.screenshot("login-tenant")
	tb.do("sign in",
		typeInto(chromedp.ID("username"), "admin"),
		typeInto(chromedp.ID("password"), "acme-admin-1"),
		chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID("service-form")),
	)
	tb.waitText("#services-body", "No services yet.")
}
