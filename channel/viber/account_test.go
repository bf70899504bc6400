package viber_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

// webhookHandler serves Receive the way the web package will.
func webhookHandler(ch *viber.Channel, acct *parley.Account) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := ch.Receive(r.Context(), &parley.WebhookRequest{Method: r.Method, Header: r.Header, Body: body}, []*parley.Account{acct})
		if err != nil {
			http.Error(w, parley.ErrorMessage(err), http.StatusForbidden)
		}
	})
}

func TestSetWebhook(t *testing.T) {
	fake, acct := startFake(t)
	ch := viber.New(nil)
	hook := httptest.NewServer(webhookHandler(ch, acct))
	defer hook.Close()
	if err := ch.SetWebhook(context.Background(), acct, hook.URL+"/webhooks/viber/acc1"); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/pa/set_webhook" || reqs[0].Header.Get(viber.AuthHeader) != testToken {
		t.Fatalf("requests = %+v", reqs)
	}
	var body struct {
		URL        string   `json:"url"`
		EventTypes []string `json:"event_types"`
		SendName   bool     `json:"send_name"`
		SendPhoto  bool     `json:"send_photo"`
	}
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := []string{"delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"}
	if body.URL != hook.URL+"/webhooks/viber/acc1" || !body.SendName || !body.SendPhoto || !reflect.DeepEqual(body.EventTypes, want) {
		t.Fatalf("body = %+v", body)
	}
	if bot, _ := fake.Bot(testToken); bot.Webhook != body.URL {
		t.Fatalf("registered %q", bot.Webhook)
	}
}

func TestSetWebhookFailsWhenCheckFails(t *testing.T) {
	fake, acct := startFake(t)
	other := testAccount("")
	other.AccessToken = "not-the-bot-token"
	ch := viber.New(nil)
	hook := httptest.NewServer(webhookHandler(ch, other)) // answers 403: wrong key
	defer hook.Close()
	err := ch.SetWebhook(context.Background(), acct, hook.URL)
	var api *viber.APIError
	if err == nil || !asAPI(err, &api) || api.Status != viber.StatusInvalidURL {
		t.Fatalf("err = %v, want status 1", err)
	}
	if bot, _ := fake.Bot(testToken); bot.Webhook != "" {
		t.Fatalf("registered %q after a failed check", bot.Webhook)
	}
}

func TestTestConnection(t *testing.T) {
	fake, acct := startFake(t)
	ch := viber.New(nil)
	got, err := ch.TestConnection(context.Background(), acct)
	if err != nil || !got.Valid || got.ID != "pa:75346594275468546724" || got.Name != "Shop" {
		t.Fatalf("ok: %+v %v", got, err)
	}
	if r := fake.Requests()[0]; r.Path != "/pa/get_account_info" || r.Header.Get(viber.AuthHeader) != testToken {
		t.Fatalf("request %s %v", r.Path, r.Header)
	}
	acct.PageID = "pa:other"
	if got, _ := ch.TestConnection(context.Background(), acct); got.Valid || !got.Credentials {
		t.Fatalf("wrong bot: %+v", got)
	}
	acct.AccessToken = "bad"
	if got, _ := ch.TestConnection(context.Background(), acct); got.Valid || !got.Credentials || !strings.Contains(got.Reason, "invalidAuthToken") {
		t.Fatalf("bad token: %+v", got)
	}
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	if got, _ := ch.TestConnection(context.Background(), testAccount(down.URL)); got.Valid || got.Credentials || got.Reason == "" {
		t.Fatalf("network: %+v", got)
	}
}

func TestCheckHealth(t *testing.T) {
	fake, acct := startFake(t)
	ch := viber.New(nil)
	h, _ := ch.CheckHealth(context.Background(), acct)
	if !h.TokenOK || h.Subscribed || h.PageName != "Shop" {
		t.Fatalf("no webhook: %+v", h)
	}
	fake.SetWebhookURL(testToken, "https://old.example.com/hook")
	if h, _ = ch.CheckHealth(context.Background(), acct); !h.Subscribed {
		t.Fatalf("any webhook: %+v", h)
	}
	hook := httptest.NewServer(webhookHandler(ch, acct))
	defer hook.Close()
	acct.Settings[viber.SettingWebhookURL] = hook.URL + "/webhooks/viber/acc1"
	if h, _ = ch.CheckHealth(context.Background(), acct); !h.Subscribed || !h.Resubscribed {
		t.Fatalf("repair: %+v", h)
	}
	if h, _ = ch.CheckHealth(context.Background(), acct); !h.Subscribed || h.Resubscribed {
		t.Fatalf("after repair: %+v", h)
	}
	acct.AccessToken = "bad"
	if h, _ = ch.CheckHealth(context.Background(), acct); h.TokenOK || h.Error == "" {
		t.Fatalf("bad token: %+v", h)
	}
}

func TestValidateAccount(t *testing.T) {
	tests := []struct {
		name   string
		change func(*parley.Account)
		field  string
	}{
		{"ok", func(*parley.Account) {}, ""},
		{"no token", func(a *parley.Account) { a.AccessToken = "" }, "access_token"},
		{"no sender", func(a *parley.Account) { delete(a.Settings, viber.SettingSenderName) }, "sender_name"},
		{"long sender", func(a *parley.Account) { a.Settings[viber.SettingSenderName] = strings.Repeat("x", 29) }, "sender_name"},
		{"28 chars ok", func(a *parley.Account) { a.Settings[viber.SettingSenderName] = strings.Repeat("é", 28) }, ""},
		{"bad avatar", func(a *parley.Account) { a.Settings[viber.SettingSenderAvatar] = "ftp://x" }, "sender_avatar"},
		{"bad webhook", func(a *parley.Account) { a.Settings[viber.SettingWebhookURL] = "x" }, "webhook_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAccount("")
			tt.change(a)
			err := viber.New(nil).ValidateAccount(a)
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
	if viber.New(nil).Type() != "viber" {
		t.Fatal("type")
	}
}
