package conversation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Links Parley gives customers (the webview ticket form) carry who they
// are for in the link itself, signed with the tenant's link key, so a
// customer cannot open a form bound to someone else or extend its life:
// base64url(JSON claims) "." base64url(HMAC-SHA256(key, claims)).

// linkClaims is what a signed link says.
type linkClaims struct {
	Purpose  string `json:"p"`
	Tenant   string `json:"t"`
	Chat     string `json:"c"`
	Customer string `json:"u"`
	Article  string `json:"a,omitempty"`
	Issued   int64  `json:"i"` // Unix seconds
	Expires  int64  `json:"e"` // Unix seconds
}

// Link purposes.
const (
	linkTicketForm  = "ticket"
	linkArticleOpen = "article"
)

// signLink makes a token for the claims with the tenant's key.
func (s *Service) signLink(ctx context.Context, c linkClaims) (string, error) {
	key, err := s.Store.LinkKey(ctx, c.Tenant)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(linkMAC(key, payload)), nil
}

func linkMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// openLink checks a token's signature, purpose and expiry. Every failure
// is EFORBIDDEN with a message a customer can read.
func (s *Service) openLink(ctx context.Context, token, purpose string) (*linkClaims, error) {
	bad := parley.Errorf(parley.EFORBIDDEN, "This link is not valid. Ask for a new one in the conversation.")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return nil, bad
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, bad
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, bad
	}
	var c linkClaims
	if err := json.Unmarshal(body, &c); err != nil || c.Tenant == "" || c.Purpose != purpose {
		return nil, bad
	}
	key, err := s.Store.LinkKey(ctx, c.Tenant)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if !hmac.Equal(mac, linkMAC(key, payload)) {
		return nil, bad
	}
	if s.Clock.Now().Unix() >= c.Expires {
		return nil, parley.Errorf(parley.EFORBIDDEN, "This link has expired. Ask for a new one in the conversation.")
	}
	return &c, nil
}

// verifySignedRequest checks a Messenger Extensions signed request
// (getContext's signed_request: base64url(HMAC-SHA256(app secret,
// payload)) "." payload) and returns the PSID it vouches for.
func verifySignedRequest(req, appSecret string) (string, bool) {
	sig, payload, ok := strings.Cut(req, ".")
	if !ok || appSecret == "" {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(sig, "="))
	if err != nil {
		return "", false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(payload))
	if !hmac.Equal(mac, m.Sum(nil)) {
		return "", false
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
	if err != nil {
		return "", false
	}
	var claims struct {
		Algorithm string `json:"algorithm"`
		PSID      string `json:"psid"`
	}
	if json.Unmarshal(body, &claims) != nil || !strings.EqualFold(claims.Algorithm, "HMAC-SHA256") || claims.PSID == "" {
		return "", false
	}
	return claims.PSID, true
}

// linkTTL bounds: a form link lives at least a minute and at most a week.
func clampTTL(d time.Duration) time.Duration {
	return min(max(d, time.Minute), 7*24*time.Hour)
}
