package e2e

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
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
