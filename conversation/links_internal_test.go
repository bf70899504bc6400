package conversation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// keyStore holds the tenants' link keys; the rest of the Store is unused.
type keyStore struct {
	parley.Store
	keys map[string][]byte
}

func (k keyStore) LinkKey(_ context.Context, tenant string) ([]byte, error) {
	if key, ok := k.keys[tenant]; ok {
		return key, nil
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "tenant %s not found", tenant)
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

// TestSignedLinks: a link opens for its purpose until it expires; any
// change to it, another tenant's key or another purpose is refused.
func TestSignedLinks(t *testing.T) {
	ctx := context.Background()
	clock := &fixedClock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	s := &Service{Config: Config{Store: keyStore{keys: map[string][]byte{"t1": []byte(strings.Repeat("k", 32)), "t2": []byte(strings.Repeat("j", 32))}}, Clock: clock}}
	claims := linkClaims{Purpose: linkTicketForm, Tenant: "t1", Chat: "c1", Customer: "u1", Issued: clock.t.Unix(), Expires: clock.t.Add(time.Hour).Unix()}
	tok, err := s.signLink(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	payload, sig, _ := strings.Cut(tok, ".")
	other := claims
	other.Tenant = "t2"
	otherTok, _ := s.signLink(ctx, other)
	forgedBody, _ := base64.RawURLEncoding.DecodeString(payload)
	forgedBody = []byte(strings.Replace(string(forgedBody), `"u":"u1"`, `"u":"u2"`, 1))

	for _, tc := range []struct {
		name    string
		token   string
		purpose string
		at      time.Duration // after issue
		ok      bool
	}{
		{"valid", tok, linkTicketForm, 0, true},
		{"valid until just before expiry", tok, linkTicketForm, time.Hour - time.Second, true},
		{"expired", tok, linkTicketForm, time.Hour, false},
		{"another purpose", tok, "survey", 0, false},
		{"claims changed", base64.RawURLEncoding.EncodeToString(forgedBody) + "." + sig, linkTicketForm, 0, false},
		{"signature changed", payload + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)), linkTicketForm, 0, false},
		{"tenant switched", strings.Split(otherTok, ".")[0] + "." + sig, linkTicketForm, 0, false},
		{"no signature", payload, linkTicketForm, 0, false},
		{"garbage", "%%%.!!!", linkTicketForm, 0, false},
		{"unknown tenant", func() string { c := claims; c.Tenant = "nope"; return mustToken(t, s, c, "t1") }(), linkTicketForm, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.t = time.Unix(claims.Issued, 0).Add(tc.at)
			got, err := s.openLink(ctx, tc.token, tc.purpose)
			switch {
			case tc.ok && (err != nil || got.Customer != "u1"):
				t.Fatalf("refused: %v", err)
			case !tc.ok && parley.ErrorCode(err) != parley.EFORBIDDEN:
				t.Fatalf("want EFORBIDDEN, got %v", err)
			}
		})
	}
}

// mustToken signs c with the key of tenant keyOf (to forge a link).
func mustToken(t *testing.T, s *Service, c linkClaims, keyOf string) string {
	t.Helper()
	real := c
	real.Tenant = keyOf
	tok, err := s.signLink(context.Background(), real)
	if err != nil {
		t.Fatal(err)
	}
	_, sig, _ := strings.Cut(tok, ".")
	body := []byte(`{"p":"` + c.Purpose + `","t":"` + c.Tenant + `","c":"c1","u":"u1","i":0,"e":9999999999}`)
	return base64.RawURLEncoding.EncodeToString(body) + "." + sig
}

// TestVerifySignedRequest: Messenger Extensions' signed_request is
// HMAC-SHA256 of its payload under the app secret, and names the PSID.
func TestVerifySignedRequest(t *testing.T) {
	sign := func(secret, payload string) string {
		p := base64.RawURLEncoding.EncodeToString([]byte(payload))
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(p))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil)) + "." + p
	}
	good := `{"algorithm":"HMAC-SHA256","issued_at":1764930000,"page_id":"200000000000001","psid":"3100000000000001","thread_type":"USER_TO_PAGE","tid":"3100000000000001"}`
	for _, tc := range []struct {
		name, req, secret, psid string
		ok                      bool
	}{
		{"valid", sign("app-secret", good), "app-secret", "3100000000000001", true},
		{"another app's secret", sign("other", good), "app-secret", "", false},
		{"no secret configured", sign("", good), "", "", false},
		{"no psid", sign("app-secret", `{"algorithm":"HMAC-SHA256"}`), "app-secret", "", false},
		{"another algorithm", sign("app-secret", `{"algorithm":"none","psid":"1"}`), "app-secret", "", false},
		{"malformed", "no-dot", "app-secret", "", false},
		{"payload swapped", strings.Split(sign("app-secret", good), ".")[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"algorithm":"HMAC-SHA256","psid":"9"}`)), "app-secret", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			psid, ok := verifySignedRequest(tc.req, tc.secret)
			if ok != tc.ok || psid != tc.psid {
				t.Fatalf("got %q %v, want %q %v", psid, ok, tc.psid, tc.ok)
			}
		})
	}
}
