package viber

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Sign returns the X-Viber-Content-Signature value for body: the lowercase
// hex HMAC-SHA256 of the raw body keyed with the bot's auth token.
func Sign(body []byte, authToken string) string {
	mac := hmac.New(sha256.New, []byte(authToken))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is the signature of the raw body
// under authToken. An empty token or header never verifies; the comparison
// is constant-time.
func VerifySignature(body []byte, header, authToken string) bool {
	if authToken == "" || header == "" {
		return false
	}
	want := Sign(body, authToken)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(header))))
}
