package webchat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenTTL is how long a visitor token is valid. Every session call with a
// valid token hands back a fresh one, so a visitor who comes back within
// this time keeps their conversation.
const TokenTTL = 30 * 24 * time.Hour

// ErrBadToken is a missing, malformed, forged or expired visitor token.
var ErrBadToken = errors.New("webchat: the visitor token is missing, malformed or expired")

var b64 = base64.RawURLEncoding

// NewVisitorID returns a random visitor id (32 hex digits).
func NewVisitorID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// NewVisitorToken signs a token naming visitorID, valid for ttl from now:
// base64url("<visitor id>.<expiry unix>") "." base64url(HMAC-SHA256 of it
// keyed with secret).
func NewVisitorToken(secret, visitorID string, ttl time.Duration, now time.Time) (string, error) {
	if secret == "" {
		return "", errors.New("webchat: the account has no app secret")
	}
	if !validVisitorID(visitorID) {
		return "", fmt.Errorf("webchat: visitor id %q: %w", visitorID, ErrBadToken)
	}
	claim := visitorID + "." + strconv.FormatInt(now.Add(ttl).Unix(), 10)
	return b64.EncodeToString([]byte(claim)) + "." + b64.EncodeToString(sign(secret, claim)), nil
}

// ParseVisitorToken checks a token's signature and expiry and returns the
// visitor id it names. Every failure is ErrBadToken, which never says
// what the expected signature was.
func ParseVisitorToken(secret, token string, now time.Time) (string, error) {
	claimPart, sigPart, ok := strings.Cut(token, ".")
	if secret == "" || !ok {
		return "", ErrBadToken
	}
	claim, err1 := b64.DecodeString(claimPart)
	sig, err2 := b64.DecodeString(sigPart)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, sign(secret, string(claim))) {
		return "", ErrBadToken
	}
	id, exp, ok := strings.Cut(string(claim), ".")
	expiry, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || !validVisitorID(id) || now.Unix() >= expiry {
		return "", ErrBadToken
	}
	return id, nil
}

func sign(secret, claim string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(claim))
	return mac.Sum(nil)
}

// validVisitorID accepts 1 to 64 letters, digits, '-' and '_'.
func validVisitorID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
