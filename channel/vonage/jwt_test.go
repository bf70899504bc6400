package vonage_test

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/vonage"
)

// craft builds an HS256-style token with any header and claims.
func craft(t *testing.T, header, claims map[string]any, secret string) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"message_uuid":"u1","status":"delivered"}`)
	now := time.Now()
	hash := vonage.PayloadHash(body)
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	good, err := vonage.SignWebhook(body, sigSecret, apiKey, now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token string
		body        []byte
		secret      string
		want        string // "" = valid, else a substring of the error
	}{
		{"good", good, body, sigSecret, ""},
		{"tampered body", good, []byte(`{"message_uuid":"u1","status":"read"}`), sigSecret, "payload_hash"},
		{"wrong secret", good, body, "other-secret", "bad signature"},
		{"empty secret", good, body, "", "no signature secret"},
		{"expired", craft(t, hs, map[string]any{"iat": now.Add(-20 * time.Minute).Unix(), "exp": now.Add(-5 * time.Minute).Unix(), "payload_hash": hash}, sigSecret), body, sigSecret, "expired"},
		{"not yet expired", craft(t, hs, map[string]any{"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "payload_hash": hash}, sigSecret), body, sigSecret, ""},
		{"future iat", craft(t, hs, map[string]any{"iat": now.Add(time.Hour).Unix(), "payload_hash": hash}, sigSecret), body, sigSecret, "future"},
		{"ancient iat", craft(t, hs, map[string]any{"iat": now.Add(-48 * time.Hour).Unix(), "payload_hash": hash}, sigSecret), body, sigSecret, "too old"},
		{"string exp", craft(t, hs, map[string]any{"exp": "soon", "payload_hash": hash}, sigSecret), body, sigSecret, "not a number"},
		{"no payload_hash", craft(t, hs, map[string]any{"iat": now.Unix()}, sigSecret), body, sigSecret, "payload_hash"},
		{"alg none", craft(t, map[string]any{"alg": "none"}, map[string]any{"payload_hash": hash}, sigSecret), body, sigSecret, "alg"},
		{"alg RS256", craft(t, map[string]any{"alg": "RS256"}, map[string]any{"payload_hash": hash}, sigSecret), body, sigSecret, "alg"},
		{"two parts", "a.b", body, sigSecret, "malformed"},
		{"garbage", "!!.@@.##", body, sigSecret, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := vonage.VerifyWebhook(tt.token, tt.body, tt.secret, now)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), hash) || strings.Contains(err.Error(), vonage.PayloadHash(tt.body)) {
				t.Fatalf("error reveals a hash: %v", err)
			}
		})
	}
}

func TestAppToken(t *testing.T) {
	now := time.Unix(1735740000, 0)
	tok, err := vonage.AppToken(appID, testKey(), now)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", tok)
	}
	var hdr map[string]string
	var claims struct {
		ApplicationID string `json:"application_id"`
		IAT, EXP      int64
		JTI           string
	}
	decode(t, parts[0], &hdr)
	decode(t, parts[1], &claims)
	if hdr["alg"] != "RS256" || hdr["typ"] != "JWT" {
		t.Fatalf("header %v", hdr)
	}
	if claims.ApplicationID != appID || claims.IAT != now.Unix() || claims.EXP != now.Unix()+900 || len(claims.JTI) != 36 {
		t.Fatalf("claims %+v", claims)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	other, _ := vonage.AppToken(appID, testKey(), now)
	if other == tok {
		t.Fatal("jti must differ per token")
	}
}

func decode(t *testing.T, seg string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil || json.Unmarshal(b, v) != nil {
		t.Fatalf("segment %q", seg)
	}
}

func TestParsePrivateKey(t *testing.T) {
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())}))
	for name, in := range map[string]string{
		"pkcs8":   pkcs8PEM(t),
		"pkcs1":   pkcs1,
		"escaped": strings.ReplaceAll(pkcs8PEM(t), "\n", `\n`),
	} {
		k, err := vonage.ParsePrivateKey(in)
		if err != nil || !k.Equal(testKey()) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, bad := range []string{"", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := vonage.ParsePrivateKey(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
