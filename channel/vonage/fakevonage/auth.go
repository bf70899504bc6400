package fakevonage

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// authorized checks a Bearer application JWT (RS256) or Basic key:secret.
func (s *Server) authorized(r *http.Request) bool {
	if key, secret, ok := r.BasicAuth(); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		want, known := s.secrets[key]
		return known && want != "" && secret == want
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.verifyAppToken(tok, time.Now())
}

// verifyAppToken checks an RS256 JWT against its application's key, and
// its exp and application_id claims.
func (s *Server) verifyAppToken(tok string, now time.Time) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		ApplicationID string `json:"application_id"`
		EXP           int64  `json:"exp"`
		IAT           int64  `json:"iat"`
		JTI           string `json:"jti"`
	}
	if !decodeSeg(parts[0], &hdr) || hdr.Alg != "RS256" || !decodeSeg(parts[1], &claims) {
		return false
	}
	s.mu.Lock()
	pub := s.apps[claims.ApplicationID]
	s.mu.Unlock()
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if pub == nil || err != nil || claims.JTI == "" || claims.IAT == 0 || now.Unix() > claims.EXP {
		return false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

func decodeSeg(seg string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	return err == nil && json.Unmarshal(b, v) == nil
}
