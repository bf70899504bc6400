package telegram_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

func TestTestConnection(t *testing.T) {
	s, c, a := fake(t)
	got, err := c.TestConnection(context.Background(), a)
	if err != nil || !got.Valid || got.ID != botID || got.Name != "shop_bot" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if r := s.Requests()[0]; r.Path != "/bot"+botToken+"/getMe" {
		t.Fatalf("path %s", r.Path)
	}

	other := *a
	other.PageID = "12345"
	got, _ = c.TestConnection(context.Background(), &other)
	if got.Valid || got.Credentials || !strings.Contains(got.Reason, "12345") {
		t.Fatalf("wrong bot: %+v", got)
	}

	bad := *a
	bad.AccessToken = "999000111:revoked"
	got, _ = c.TestConnection(context.Background(), &bad)
	if got.Valid || !got.Credentials || strings.Contains(got.Reason, "revoked") {
		t.Fatalf("bad token: %+v", got)
	}
}

func TestTestConnectionUnexpectedHost(t *testing.T) {
	page := "<html>" + strings.Repeat("captive portal login ", 100) + "</html>"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(page))
	}))
	defer ts.Close()
	a := account()
	a.APIBaseURL = ts.URL
	got, err := telegram.New(nil).TestConnection(context.Background(), a)
	if err != nil || got.Valid || got.Credentials || len(got.Reason) > 200 {
		t.Fatalf("got %+v (%d chars), %v", got, len(got.Reason), err)
	}
	ts.Close()
	got, _ = telegram.New(nil).TestConnection(context.Background(), a)
	if got.Valid || got.Credentials || !strings.Contains(got.Reason, "cannot reach") || strings.Contains(got.Reason, botToken) {
		t.Fatalf("network: %+v", got)
	}
}

func TestCheckHealth(t *testing.T) {
	s, c, a := fake(t)
	h, err := c.CheckHealth(context.Background(), a)
	if err != nil || !h.TokenOK || h.Subscribed || h.PageName != "shop_bot" || h.AccountID != "acc-1" {
		t.Fatalf("no webhook: %+v, %v", h, err)
	}
	a.Settings = map[string]string{telegram.SettingWebhookURL: "https://cc.example.com/webhooks/telegram/shop"}
	h, _ = c.CheckHealth(context.Background(), a)
	if !h.Subscribed || !h.Resubscribed {
		t.Fatalf("repair: %+v", h)
	}
	h, _ = c.CheckHealth(context.Background(), a)
	if !h.Subscribed || h.Resubscribed {
		t.Fatalf("healthy: %+v", h)
	}
	if got := s.Webhook(botToken); got.URL != "https://cc.example.com/webhooks/telegram/shop" || got.Secret != secret {
		t.Fatalf("webhook %+v", got)
	}
}

func TestDownload(t *testing.T) {
	s, c, a := fake(t)
	data := []byte("\xff\xd8\xff\xe0 fake jpeg")
	s.AddFile("AgACAgIAAxkBAAIBlarge", "photos/file_12.jpg", data)
	att := &parley.InboundAttachment{Type: "image", MediaID: "AgACAgIAAxkBAAIBlarge"}
	f, err := c.Download(context.Background(), a, att, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Data) != string(data) || f.Size != int64(len(data)) || f.Name != "file_12.jpg" || f.ContentType != "image/jpeg" {
		t.Fatalf("file %+v", f)
	}
	paths := []string{s.Requests()[0].Path, s.Requests()[1].Path}
	if paths[0] != "/bot"+botToken+"/getFile" || paths[1] != "/file/bot"+botToken+"/photos/file_12.jpg" {
		t.Fatalf("paths %v", paths)
	}
	if _, err := c.Download(context.Background(), a, att, 4); parley.ErrorCode(err) != parley.ETOOLARGE {
		t.Fatalf("limit: %v", err)
	}
	if _, err := c.Download(context.Background(), a, &parley.InboundAttachment{MediaID: "nope"}, 100); err == nil {
		t.Fatal("unknown file downloaded")
	}
}

func TestProfileAndReach(t *testing.T) {
	c := telegram.New(nil)
	if _, err := c.Profile(context.Background(), account(), anna); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("profile: %v", err)
	}
	last := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := c.Reach(account(), &parley.Customer{LastMessageAt: last}, last.Add(30*24*time.Hour))
	if r.State != parley.ReachOpen || !r.LastCustomerMessage.Equal(last) {
		t.Fatalf("reach %+v", r)
	}
}

func TestValidateAccount(t *testing.T) {
	c := telegram.New(nil)
	tests := []struct {
		name  string
		edit  func(*parley.Account)
		field string
	}{
		{"ok", func(*parley.Account) {}, ""},
		{"name", func(a *parley.Account) { a.Name = "" }, "name"},
		{"type", func(a *parley.Account) { a.Type = "line" }, "type"},
		{"token", func(a *parley.Account) { a.AccessToken = "" }, "access_token"},
		{"token path", func(a *parley.Account) { a.AccessToken = "1:a/b" }, "access_token"},
		{"secret", func(a *parley.Account) { a.VerifyToken = "" }, "verify_token"},
		{"secret chars", func(a *parley.Account) { a.VerifyToken = "has space" }, "verify_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := account()
			tt.edit(a)
			err := c.ValidateAccount(a)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want invalid naming %s", err, tt.field)
			}
		})
	}
}

// The fake delivers webhook updates as Telegram does, and the channel
// accepts them.
func TestFakeDeliver(t *testing.T) {
	s, c, a := fake(t)
	var got *parley.Received
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		got, err = c.Receive(r.Context(), &parley.WebhookRequest{Method: r.Method, Header: r.Header, Body: body}, []*parley.Account{a})
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer hook.Close()
	if err := c.SetWebhook(context.Background(), a, hook.URL); err != nil {
		t.Fatal(err)
	}
	from := faketelegram.From{ID: 111222333, FirstName: "Anna"}
	at := time.Unix(1718000000, 0)
	for _, u := range [][]byte{
		faketelegram.TextUpdate(1, 10, from, "/start case-1", at),
		faketelegram.CallbackUpdate(2, from, "cb1", 11, "csat:5", at),
		faketelegram.BlockUpdate(3, from, faketelegram.Bot{ID: 999000111, Username: "shop_bot"}, true, at),
	} {
		status, err := s.Deliver(context.Background(), nil, botToken, u)
		if err != nil || status != http.StatusOK {
			t.Fatalf("deliver: %d %v", status, err)
		}
		in, err := c.Decode(a, got.Events[0])
		if err != nil || in.Kind == parley.InIgnored {
			t.Fatalf("decode %s: %+v %v", u, in, err)
		}
	}
}
