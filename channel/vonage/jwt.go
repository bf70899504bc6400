package vonage

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// JWT lifetimes and tolerances.
const (
	// AppTokenTTL is the lifetime of the application JWT (the SDKs' 900 s).
	AppTokenTTL = 15 * time.Minute
	// clockSkew is how far in the future a webhook iat may be.
	clockSkew = 5 * time.Minute
	// maxWebhookAge is how old a webhook iat may be: Vonage retries a
	// callback for 24 hours.
	maxWebhookAge = 25 * time.Hour
)

// jwtHeader is the JOSE header of the tokens we make and accept.
type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
}

// b64 is base64url without padding, as JWTs use.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func unb64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// signingInput encodes header and claims as "header.claims".
func signingInput(alg string, claims any) (string, error) {
	h, err := json.Marshal(jwtHeader{Alg: alg, Typ: "JWT"})
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	return b64(h) + "." + b64(c), nil
}

func hs256(input, secret string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(input))
	return mac.Sum(nil)
}

// webhookClaims are the claims of a signed Vonage webhook.
type webhookClaims struct {
	IAT         int64  `json:"iat"`
	JTI         string `json:"jti"`
	APIKey      string `json:"api_key,omitempty"`
	PayloadHash string `json:"payload_hash"`
}

// PayloadHash is the hex SHA-256 of a webhook body, the payload_hash claim.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SignWebhook returns the JWT Vonage sends a webhook body with (HS256 with
// the signature secret; iat, jti, api_key and payload_hash claims). Parley
// never signs webhooks itself; the fake and tests do.
func SignWebhook(body []byte, secret, apiKey string, now time.Time) (string, error) {
	in, err := signingInput("HS256", webhookClaims{IAT: now.Unix(), JTI: newUUID(), APIKey: apiKey, PayloadHash: PayloadHash(body)})
	if err != nil {
		return "", fmt.Errorf("vonage: sign webhook: %w", err)
	}
	return in + "." + b64(hs256(in, secret)), nil
}

// VerifyWebhook checks a webhook's bearer JWT: HS256 under secret, exp and
// iat sane at now when present, and payload_hash equal to the body's hash.
// Errors never contain the expected signature or hash.
func VerifyWebhook(token string, body []byte, secret string, now time.Time) error {
	if secret == "" {
		return errors.New("no signature secret")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("malformed token")
	}
	if err := checkHeader(parts[0], "HS256"); err != nil {
		return err
	}
	sig, err := unb64(parts[2])
	if err != nil || !hmac.Equal(sig, hs256(parts[0]+"."+parts[1], secret)) {
		return errors.New("bad signature")
	}
	claims, err := decodeClaims(parts[1])
	if err != nil {
		return err
	}
	if err := checkTimes(claims, now); err != nil {
		return err
	}
	hash, _ := claims["payload_hash"].(string)
	if !hmac.Equal([]byte(strings.ToLower(hash)), []byte(PayloadHash(body))) {
		return errors.New("payload_hash does not match the body")
	}
	return nil
}

// checkHeader accepts only the expected algorithm (no "none").
func checkHeader(seg, alg string) error {
	b, err := unb64(seg)
	if err != nil {
		return errors.New("malformed header")
	}
	var h jwtHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return errors.New("malformed header")
	}
	if h.Alg != alg {
		return fmt.Errorf("unexpected alg %q", h.Alg)
	}
	return nil
}

func decodeClaims(seg string) (map[string]any, error) {
	b, err := unb64(seg)
	if err != nil {
		return nil, errors.New("malformed claims")
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		return nil, errors.New("malformed claims")
	}
	return claims, nil
}

// checkTimes rejects an expired token or one issued in the future or too
// long ago.
func checkTimes(claims map[string]any, now time.Time) error {
	if exp, ok, err := numericDate(claims, "exp"); err != nil {
		return err
	} else if ok && now.After(exp) {
		return errors.New("token expired")
	}
	iat, ok, err := numericDate(claims, "iat")
	switch {
	case err != nil:
		return err
	case ok && iat.After(now.Add(clockSkew)):
		return errors.New("token issued in the future")
	case ok && now.Sub(iat) > maxWebhookAge:
		return errors.New("token too old")
	}
	return nil
}

// numericDate reads a NumericDate claim.
func numericDate(claims map[string]any, name string) (time.Time, bool, error) {
	v, ok := claims[name]
	if !ok {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return time.Time{}, false, fmt.Errorf("claim %s is not a number", name)
	}
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, false, fmt.Errorf("claim %s is not a date", name)
	}
	return time.Unix(int64(f), 0), true, nil
}

// appClaims are the claims of the application JWT for API calls.
type appClaims struct {
	ApplicationID string `json:"application_id"`
	IAT           int64  `json:"iat"`
	JTI           string `json:"jti"`
	EXP           int64  `json:"exp"`
}

// AppToken returns an RS256 JWT for API calls of the application, valid
// AppTokenTTL from now.
func AppToken(applicationID string, key *rsa.PrivateKey, now time.Time) (string, error) {
	if applicationID == "" || key == nil {
		return "", errors.New("vonage: app token: application id and private key required")
	}
	in, err := signingInput("RS256", appClaims{ApplicationID: applicationID, IAT: now.Unix(), JTI: newUUID(), EXP: now.Add(AppTokenTTL).Unix()})
	if err != nil {
		return "", fmt.Errorf("vonage: app token: %w", err)
	}
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("vonage: app token: %w", err)
	}
	return in + "." + b64(sig), nil
}

// ParsePrivateKey reads an RSA private key in PEM (PKCS#8 or PKCS#1).
// Keys pasted with literal "\n" sequences are accepted.
func ParsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	pemText = strings.ReplaceAll(pemText, `\n`, "\n")
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
