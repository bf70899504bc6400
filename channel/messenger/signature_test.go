package messenger_test

import (
	"strings"
	"testing"

	"github.com/parleycc/parley/channel/messenger"
)

func TestSignatureVector(t *testing.T) {
	body := []byte(`{"object":"page","entry":[]}`)
	const want = "sha256=88d9a7469625e45bab1d3d87f82d7d26ae38acbca252120ddcf7c4fb91083cba"
	if got := messenger.Sign(body, "appsecret123"); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifySignature(t *testing.T) {
	body := fixture(t, "text.json")
	const secret = "appsecret123"
	good := messenger.Sign(body, secret)
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-5] ^= 1

	tests := []struct {
		name   string
		body   []byte
		header string
		secret string
		want   bool
	}{
		{"good", body, good, secret, true},
		{"good uppercase hex", body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), secret, true},
		{"missing", body, "", secret, false},
		{"wrong prefix", body, "sha1=" + strings.TrimPrefix(good, "sha256="), secret, false},
		{"no prefix", body, strings.TrimPrefix(good, "sha256="), secret, false},
		{"wrong secret", body, good, "other-secret", false},
		{"empty secret", body, messenger.Sign(body, ""), "", false},
		{"tampered body", tampered, good, secret, false},
		{"truncated", body, good[:len(good)-2], secret, false},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), secret, false},
		{"too long", body, good + "00", secret, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := messenger.VerifySignature(tt.body, tt.header, tt.secret); got != tt.want {
				t.Errorf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
}
