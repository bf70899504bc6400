package app_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDemoWebsiteOptin: the demo shop's Send to Messenger button has the
// simulator post a signed messaging_optins webhook; Parley accepts it and
// starts a chat whose $(ref) is the button's ref: the demo scenario greets
// the customer, and the agent sees the ref in the customer panel's
// variables and the transcript's opt-in line.
func TestDemoWebsiteOptin(t *testing.T) {
	a, _ := startDemo(t)
	const psid = "2401123456789077"
	// A 502 here: /webhooks/facebook refused the simulator's signature.
	simPost(t, a, map[string]any{"user": psid, "first_name": "Dana", "last_name": "Demo", "optin": map[string]string{"ref": "shop-travel-mug"}})
	eventually(t, "the demo scenario's greeting", func() bool {
		return strings.Contains(simulatorTexts(t, a.URL(), "messenger", psid), "Hi Dana! Thanks for writing to Parley Demo Co.\n")
	})

	sam := loginTo(t, a.URL(), "sam", "sam-demo")
	var chatID string
	eventually(t, "Dana's chat", func() bool {
		for _, c := range sam.chats() {
			if c.Customer.Name == "Dana Demo" {
				chatID = c.ID
				return true
			}
		}
		return false
	})
	var panel struct{ Vars map[string]string }
	if code := sam.do(http.MethodGet, "/api/chats/"+chatID+"/customer", nil, &panel); code != http.StatusOK {
		t.Fatalf("customer panel: HTTP %d", code)
	}
	if panel.Vars["ref"] != "shop-travel-mug" {
		t.Errorf("chat variables %v, want ref shop-travel-mug", panel.Vars)
	}
	optin := findKind(sam.rich(chatID), "optin")
	if optin == nil || !strings.Contains(optin.Payload, `"ref":"shop-travel-mug"`) {
		t.Errorf("transcript's opt-in message = %+v", optin)
	}
}

// TestWebsiteButtonAPI: an admin has the server write a page's Send to
// Messenger snippet and m.me link, with the App ID of the form or the one
// saved with the account; a ref that could break out of its attribute,
// a missing App ID and another channel's account are refused.
func TestWebsiteButtonAPI(t *testing.T) {
	a, _ := startDemo(t)
	admin := loginTo(t, a.URL(), "admin", "admin-demo")
	var list struct {
		Accounts []struct {
			ID, Name, Type string
			PageID         string            `json:"page_id"`
			Settings       map[string]string `json:"settings"`
		}
	}
	if code := admin.do(http.MethodGet, "/api/admin/accounts", nil, &list); code != http.StatusOK {
		t.Fatalf("accounts: HTTP %d", code)
	}
	ids := map[string]string{}
	for _, acct := range list.Accounts {
		ids[acct.Name] = acct.ID
	}
	page := "/api/admin/accounts/" + ids["demo-page"] + "/website-button"
	type button struct{ HTML, Link string }
	var b button
	if code := admin.do(http.MethodPost, page, map[string]string{"app_id": "1517776481860111", "ref": "pricing-page", "size": "standard"}, &b); code != http.StatusOK {
		t.Fatalf("website button: HTTP %d", code)
	}
	for _, want := range []string{`messenger_app_id="1517776481860111"`, `page_id="104329875512345"`, `data-ref="pricing-page"`,
		`color="blue"`, `size="standard"`, `appId: "1517776481860111"`, `src="https://connect.facebook.net/en_US/sdk.js"`} {
		if !strings.Contains(b.HTML, want) {
			t.Errorf("snippet lacks %s:\n%s", want, b.HTML)
		}
	}
	if b.Link != "https://m.me/104329875512345?ref=pricing-page" {
		t.Errorf("link %q", b.Link)
	}

	for _, tc := range []struct {
		name, path string
		body       map[string]string
		want       int
	}{
		{"no App ID given or saved", page, map[string]string{"ref": "pricing-page"}, http.StatusBadRequest},
		{"a ref with a quote and a bracket", page, map[string]string{"app_id": "1", "ref": `x"><script>alert(1)</script>`}, http.StatusBadRequest},
		{"a Telegram bot", "/api/admin/accounts/" + ids["demo-telegram"] + "/website-button", map[string]string{"app_id": "1"}, http.StatusBadRequest},
		{"an unknown account", "/api/admin/accounts/nope/website-button", map[string]string{"app_id": "1"}, http.StatusNotFound},
	} {
		if code := admin.do(http.MethodPost, tc.path, tc.body, nil); code != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, code, tc.want)
		}
	}

	// Saving the account keeps the App ID; the button then needs none.
	acct := map[string]any{"name": "demo-page", "type": "facebook", "page_id": "104329875512345", "page_username": "parleydemo",
		"api_base_url": a.URL() + "/simulator/graph", "settings": map[string]string{"app_id": "1517776481860111"}}
	if code := admin.do(http.MethodPut, "/api/admin/accounts/"+ids["demo-page"], acct, nil); code != http.StatusOK {
		t.Fatalf("save the App ID: HTTP %d", code)
	}
	b = button{}
	if code := admin.do(http.MethodPost, page, map[string]string{"ref": "pricing-page"}, &b); code != http.StatusOK ||
		!strings.Contains(b.HTML, `messenger_app_id="1517776481860111"`) {
		t.Errorf("with the saved App ID: HTTP %d %s", code, b.HTML)
	}
	acct["settings"] = map[string]string{"app_id": "not digits"}
	if code := admin.do(http.MethodPut, "/api/admin/accounts/"+ids["demo-page"], acct, nil); code != http.StatusBadRequest {
		t.Errorf("saving an App ID that is not one: HTTP %d, want 400", code)
	}

	alice := loginTo(t, a.URL(), "alice", "alice-demo")
	if code := alice.do(http.MethodPost, page, map[string]string{"app_id": "1"}, nil); code != http.StatusForbidden {
		t.Errorf("an agent: HTTP %d, want 403", code)
	}
}
