package telegram_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

const (
	botToken = "999000111:AAH-secret-token_value"
	secret   = "Zx8_kP3-random"
	botID    = "999000111"
	anna     = "111222333"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func account() *parley.Account {
	return &parley.Account{ID: "acc-1", TenantID: "t-1", Name: "shop", Type: telegram.Type,
		AccessToken: botToken, VerifyToken: secret, PageID: botID, PageUsername: "shop_bot"}
}

// webhook is a delivery of body with the secret header set to sig ("" = none).
func webhook(body []byte, sig string) *parley.WebhookRequest {
	h := http.Header{}
	if sig != "" {
		h.Set(telegram.SecretHeader, sig)
	}
	return &parley.WebhookRequest{Method: http.MethodPost, Header: h, Body: body}
}

// fake starts a fake Bot API with the bot registered and returns the
// channel and an account pointing at it.
func fake(t *testing.T) (*faketelegram.Server, *telegram.Channel, *parley.Account) {
	t.Helper()
	s, ts := faketelegram.NewTestServer()
	t.Cleanup(ts.Close)
	s.AddBot(botToken, faketelegram.Bot{ID: 999000111, Username: "shop_bot", FirstName: "ShopBot"})
	a := account()
	a.APIBaseURL = ts.URL
	return s, telegram.New(ts.Client()), a
}
