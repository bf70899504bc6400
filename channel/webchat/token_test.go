package webchat_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/webchat"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestVisitorTokenRoundTrip(t *testing.T) {
	tok, err := webchat.NewVisitorToken("s3cret", "visitor-1", time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	id, err := webchat.ParseVisitorToken("s3cret", tok, t0.Add(59*time.Minute))
	if err != nil || id != "visitor-1" {
		t.Fatalf("parse = %q, %v; want visitor-1", id, err)
	}
}

func TestVisitorTokenRefused(t *testing.T) {
	tok, _ := webchat.NewVisitorToken("s3cret", "visitor-1", time.Hour, t0)
	other, _ := webchat.NewVisitorToken("s3cret", "visitor-2", time.Hour, t0)
	claim, sig, _ := strings.Cut(tok, ".")
	_, otherSig, _ := strings.Cut(other, ".")
	flip := []byte(sig)
	flip[3] ^= 1
	for name, tc := range map[string]struct {
		secret, token string
		at            time.Time
	}{
		"expired":         {"s3cret", tok, t0.Add(time.Hour)},
		"other secret":    {"guess", tok, t0},
		"no secret":       {"", tok, t0},
		"empty":           {"s3cret", "", t0},
		"no signature":    {"s3cret", claim, t0},
		"tampered sig":    {"s3cret", claim + "." + string(flip), t0},
		"swapped claim":   {"s3cret", claim + "." + otherSig, t0},
		"not base64":      {"s3cret", "!!!.???", t0},
		"three parts":     {"s3cret", tok + ".x", t0},
		"forged unsigned": {"s3cret", "dmlzaXRvci0xLjk5OTk5OTk5OTk.", t0},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := webchat.ParseVisitorToken(tc.secret, tc.token, tc.at)
			if !errors.Is(err, webchat.ErrBadToken) || id != "" {
				t.Fatalf("parse = %q, %v; want ErrBadToken", id, err)
			}
		})
	}
}

func TestVisitorTokenNeedsSecretAndID(t *testing.T) {
	if _, err := webchat.NewVisitorToken("", "v", time.Hour, t0); err == nil {
		t.Error("a token without a secret was signed")
	}
	if _, err := webchat.NewVisitorToken("s", "a.b", time.Hour, t0); err == nil {
		t.Error("a visitor id with a dot was signed")
	}
	if a, b := webchat.NewVisitorID(), webchat.NewVisitorID(); a == b || len(a) != 32 {
		t.Errorf("visitor ids %q, %q: want two different 32-digit ids", a, b)
	}
}
