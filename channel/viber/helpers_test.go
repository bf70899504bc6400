package viber_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

const testToken = "44dafb7e0f40021e-61a47a1e6778d187-f2c5a676a07050b3"

func testAccount(base string) *parley.Account {
	return &parley.Account{
		ID: "acc1", TenantID: "t1", Name: "viber-main", Type: viber.Type,
		PageID: "pa:75346594275468546724", PageUsername: "shopbot",
		AccessToken: testToken, APIBaseURL: base,
		Settings: map[string]string{viber.SettingSenderName: "Shop Support", viber.SettingSenderAvatar: "https://example.com/a.jpg"},
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signed(body []byte, token string) *parley.WebhookRequest {
	h := make(map[string][]string)
	req := &parley.WebhookRequest{Method: "POST", Header: h, Body: body}
	req.Header.Set(viber.SignatureHeader, viber.Sign(body, token))
	return req
}
