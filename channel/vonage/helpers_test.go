package vonage_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

const (
	apiKey    = "abcd1234"
	apiSecret = "s3cr3tS3cr3t"
	appID     = "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb"
	sigSecret = "signature-secret-of-the-account"
	pageID    = "107083064136738"
	psid      = "3987564587398765"
)

// testKey is one RSA key for all tests (generating one is slow).
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func pkcs8PEM(t testing.TB) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func testAccount(t testing.TB, base, route, from string) *parley.Account {
	t.Helper()
	return &parley.Account{
		ID: "acc1", TenantID: "t1", Name: "vonage-" + route, Type: vonage.Type,
		PageID: from, AppSecret: apiSecret, VerifyToken: sigSecret, APIBaseURL: base,
		Settings: map[string]string{
			vonage.SettingAPIKey: apiKey, vonage.SettingApplicationID: appID, vonage.SettingPrivateKey: pkcs8PEM(t),
			vonage.SettingRoute: route, vonage.SettingFrom: from,
		},
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

func signed(t testing.TB, body []byte, secret string) *parley.WebhookRequest {
	t.Helper()
	tok, err := vonage.SignWebhook(body, secret, apiKey, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+tok)
	return &parley.WebhookRequest{Method: "POST", Header: h, Body: body}
}
