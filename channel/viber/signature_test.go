package viber_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

// The official Python SDK's test vector (README.md, signature table).
const (
	sdkBody = `{"event":"webhook","timestamp":4977069964384421269,"message_token":1478683725125}`
	sdkSig  = "d21b343448c8aee33b8e93768ef6ceb64a6ba6163099973a2b8bd028fea510ef"
)

func TestSignSDKVector(t *testing.T) {
	if got := viber.Sign([]byte(sdkBody), testToken); got != sdkSig {
		t.Fatalf("Sign = %s, want %s", got, sdkSig)
	}
	if !viber.VerifySignature([]byte(sdkBody), strings.ToUpper(sdkSig), testToken) {
		t.Fatal("upper-case hex did not verify")
	}
}

func TestReceiveSignature(t *testing.T) {
	body := fixture(t, "text")
	good := viber.Sign(body, testToken)
	tests := []struct {
		name   string
		header string
		token  string
		code   string
	}{
		{"good", good, testToken, ""},
		{"bad", strings.Repeat("0", 64), testToken, parley.EFORBIDDEN},
		{"other token", viber.Sign(body, "other"), testToken, parley.EFORBIDDEN},
		{"missing", "", testToken, parley.EFORBIDDEN},
		{"empty account token", good, "", parley.EFORBIDDEN},
		{"not hex", "sha256=zz", testToken, parley.EFORBIDDEN},
	}
	ch := viber.New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := testAccount("")
			acct.AccessToken = tt.token
			req := &parley.WebhookRequest{Header: http.Header{}, Body: body}
			if tt.header != "" {
				req.Header.Set(viber.SignatureHeader, tt.header)
			}
			_, err := ch.Receive(context.Background(), req, []*parley.Account{acct})
			if got := parley.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if err != nil && strings.Contains(err.Error(), good) {
				t.Fatalf("error reveals the expected signature: %v", err)
			}
		})
	}
}

func TestReceivePicksSigningAccount(t *testing.T) {
	body := fixture(t, "text")
	a, b := testAccount(""), testAccount("")
	a.ID, a.AccessToken = "a", "token-a"
	b.ID, b.AccessToken = "b", "token-b"
	got, err := viber.New(nil).Receive(context.Background(), signed(body, "token-b"), []*parley.Account{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if got.Events[0].AccountID != "b" {
		t.Fatalf("account = %s, want b", got.Events[0].AccountID)
	}
}
