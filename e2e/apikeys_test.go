package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminAPIKeys: an admin makes a key in Admin → API keys, copies the
// token shown once, an integration uses it, and revoking it stops it.
func TestAdminAPIKeys(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/api-keys", "key-form")
	adm.do("make a supervisor key",
		typeInto(chromedp.ID("k-name"), "Wallboard TV"),
		chromedp.Click(chromedp.ID("create-key")),
	)
	adm.waitFor("the token, once", `() => !document.querySelector("#token-box").hidden &&
		document.querySelector("#token-value").textContent.startsWith("prk_") &&
		!!document.querySelector('#keys-body tr[data-key="Wallboard TV"]')`)
	token := eval[string](adm, `document.querySelector("#token-value").textContent`)
	adm.screenshot("admin-api-keys")

	call := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/supervisor", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := call(); code != http.StatusOK {
		t.Fatalf("the integration with the new key: HTTP %d, want 200", code)
	}
	adm.do("revoke it", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#keys-body tr[data-key="Wallboard TV"] button`)))
	adm.waitFor("the key shown revoked", `() => document.querySelector('#keys-body tr[data-key="Wallboard TV"]')?.dataset.revoked === "true"`)
	if code := call(); code != http.StatusUnauthorized {
		t.Errorf("the revoked key: HTTP %d, want 401", code)
	}
}
