package vonage_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
)

func TestTestConnection(t *testing.T) {
	fake, base := startFake(t)
	ch := vonage.New(nil)
	acct := testAccount(t, base, vonage.RouteMessenger, pageID)
	got, err := ch.TestConnection(context.Background(), acct)
	if err != nil || !got.Valid || got.ID != pageID {
		t.Fatalf("ok: %+v %v", got, err)
	}
	r := fake.Requests()[0]
	if r.Method != http.MethodGet || r.Path != "/account/get-balance" || !strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
		t.Fatalf("request %s %s %v", r.Method, r.Path, r.Header)
	}
	h, _ := ch.CheckHealth(context.Background(), acct)
	if !h.TokenOK || !h.Subscribed || h.AccountID != "acc1" {
		t.Fatalf("health %+v", h)
	}

	acct.AppSecret = "wrong"
	if got, _ = ch.TestConnection(context.Background(), acct); got.Valid || !got.Credentials || !strings.Contains(got.Reason, "401") {
		t.Fatalf("401: %+v", got)
	}
	if h, _ = ch.CheckHealth(context.Background(), acct); h.TokenOK || !h.Subscribed || h.Error == "" {
		t.Fatalf("health 401: %+v", h)
	}
	acct = testAccount(t, base, vonage.RouteMessenger, pageID)
	acct.Settings[vonage.SettingPrivateKey] = "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n"
	if got, _ = ch.TestConnection(context.Background(), acct); got.Valid || !got.Credentials {
		t.Fatalf("bad key: %+v", got)
	}
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	if got, _ = ch.TestConnection(context.Background(), testAccount(t, down.URL, vonage.RouteSMS, "1")); got.Valid || got.Credentials {
		t.Fatalf("network: %+v", got)
	}
}

func TestRESTBaseSetting(t *testing.T) {
	fake, base := startFake(t)
	acct := testAccount(t, "https://api.invalid", vonage.RouteSMS, "1")
	acct.Settings[vonage.SettingRESTBaseURL] = base
	if got, _ := vonage.New(nil).TestConnection(context.Background(), acct); !got.Valid {
		t.Fatalf("%+v", got)
	}
	if len(fake.Requests()) != 1 {
		t.Fatal("rest_base_url not used")
	}
}

func TestValidateAccount(t *testing.T) {
	tests := []struct {
		name   string
		change func(*parley.Account)
		field  string
	}{
		{"ok", func(*parley.Account) {}, ""},
		{"basic only", func(a *parley.Account) { delete(a.Settings, vonage.SettingPrivateKey) }, ""},
		{"api key", func(a *parley.Account) { delete(a.Settings, vonage.SettingAPIKey) }, "api_key"},
		{"api secret", func(a *parley.Account) { a.AppSecret = "" }, "app_secret"},
		{"signature secret", func(a *parley.Account) { a.VerifyToken = "" }, "verify_token"},
		{"application id", func(a *parley.Account) { delete(a.Settings, vonage.SettingApplicationID) }, "application_id"},
		{"private key", func(a *parley.Account) { a.Settings[vonage.SettingPrivateKey] = "nope" }, "private_key"},
		{"route", func(a *parley.Account) { a.Settings[vonage.SettingRoute] = "telegram" }, "route"},
		{"from", func(a *parley.Account) { delete(a.Settings, vonage.SettingFrom) }, "from"},
		{"page id", func(a *parley.Account) { a.PageID = "" }, "page_id"},
		{"page id differs", func(a *parley.Account) { a.PageID = "other" }, "page_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAccount(t, "", vonage.RouteMessenger, pageID)
			tt.change(a)
			err := vonage.New(nil).ValidateAccount(a)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want EINVALID naming %s", err, tt.field)
			}
		})
	}
	if vonage.New(nil).Type() != "vonage" {
		t.Fatal("type")
	}
}

func TestReach(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, route string
		last        time.Time
		state       string
	}{
		{"messenger inside", vonage.RouteMessenger, now.Add(-23 * time.Hour), parley.ReachOpen},
		{"messenger outside", vonage.RouteMessenger, now.Add(-25 * time.Hour), parley.ReachClosed},
		{"messenger never wrote", vonage.RouteMessenger, time.Time{}, parley.ReachClosed},
		{"viber any time", vonage.RouteViber, now.Add(-30 * 24 * time.Hour), parley.ReachOpen},
		{"sms any time", vonage.RouteSMS, time.Time{}, parley.ReachOpen},
		{"whatsapp", vonage.RouteWhatsApp, time.Time{}, parley.ReachOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vonage.New(nil).Reach(testAccount(t, "", tt.route, "1"), &parley.Customer{LastMessageAt: tt.last}, now)
			if r.State != tt.state {
				t.Fatalf("reach %+v", r)
			}
			if r.State == parley.ReachClosed && r.Reason == "" {
				t.Fatal("closed without a reason")
			}
			if tt.name == "messenger inside" && !r.ExpiresAt.Equal(tt.last.Add(24*time.Hour)) {
				t.Fatalf("expires %v", r.ExpiresAt)
			}
		})
	}
}

func TestFakeSignedCallbackRoundTrip(t *testing.T) {
	acct := testAccount(t, "", vonage.RouteWhatsApp, "447700900001")
	ch := vonage.New(nil)
	var got *parley.Received
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec, err := ch.Receive(r.Context(), &parley.WebhookRequest{Method: r.Method, Header: r.Header, Body: body}, []*parley.Account{acct})
		if err != nil {
			http.Error(w, parley.ErrorMessage(err), http.StatusForbidden)
			return
		}
		got = rec
	}))
	defer hook.Close()
	body := fakevonage.Status{MessageUUID: uuid, To: "447700900000", From: "447700900001", Timestamp: fakevonage.Timestamp(time.Now()),
		Status: vonage.StatusRead, Channel: vonage.RouteWhatsApp}.Body()
	resp, err := fakevonage.Post(context.Background(), http.DefaultClient, hook.URL, body, sigSecret, apiKey)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("post: %v %v", resp, err)
	}
	resp.Body.Close()
	if got == nil || got.Events[0].DedupKey != uuid+":read" {
		t.Fatalf("received %+v", got)
	}
	resp, _ = fakevonage.Post(context.Background(), http.DefaultClient, hook.URL, fakevonage.Text(vonage.RouteWhatsApp, "1", "2", "hi", time.Now()), "bad", apiKey)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("bad secret answered %d", resp.StatusCode)
	}
	resp.Body.Close()
}
