package line_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/line/fakeline"
)

const (
	// The signature test vector of /work/shared/channels/README.md.
	vectorSecret = "8c570fa6dd201bb328f1c1eac23a96d8"
	vectorSig    = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="
	botUserID    = "U8e742f61d673b39c7fff3cecb7536ef0"
	token        = "chan-access-token-1"
	user         = "U4af4980629d1d4b0b5e9a1c2d3e4f5a6"
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
	return &parley.Account{ID: "acc-1", TenantID: "t-1", Name: "shop", Type: line.Type,
		AccessToken: token, AppSecret: vectorSecret, PageID: botUserID, PageUsername: "@216ruabc"}
}

// signed is a delivery of body signed with secret.
func signed(body []byte, secret string) *parley.WebhookRequest {
	h := http.Header{}
	if secret != "" {
		h.Set("x-line-signature", line.Sign(body, secret))
	}
	return &parley.WebhookRequest{Method: http.MethodPost, Header: h, Body: body}
}

func fake(t *testing.T) (*fakeline.Server, *line.Channel, *parley.Account) {
	t.Helper()
	s, ts := fakeline.NewTestServer()
	t.Cleanup(ts.Close)
	s.AddBot(fakeline.Bot{Token: token, Secret: vectorSecret, UserID: botUserID, BasicID: "@216ruabc", DisplayName: "Shop"})
	a := account()
	a.APIBaseURL = ts.URL
	return s, line.New(ts.Client()), a
}

// j decodes a JSON literal for comparisons.
func j(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}
