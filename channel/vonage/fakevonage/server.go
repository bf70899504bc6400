// Package fakevonage is an in-memory fake of the Vonage endpoints the
// vonage channel uses: POST /v1/messages (202 {message_uuid}, RFC 7807
// errors, RS256 application JWT or Basic auth) and GET
// /account/get-balance. Every request is recorded for assertions, a fault
// mode answers a share of calls with 429 or 5xx, and helpers build and
// sign callbacks (HS256 JWT with payload_hash) the way Vonage does.
//
// A Server is an http.Handler, safe for concurrent use.
package fakevonage

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// Request is one recorded API call.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a fake Vonage API (Messages and Account API on one host).
type Server struct {
	mu          sync.Mutex
	secrets     map[string]string         // api key -> api secret
	apps        map[string]*rsa.PublicKey // application id -> public key
	reqs        []Request
	faultPct    int
	faultStatus int
	faultAcc    int
	retryAfter  time.Duration
	balance     float64
}

// New returns a fake with no accounts.
func New() *Server {
	return &Server{secrets: map[string]string{}, apps: map[string]*rsa.PublicKey{}, balance: 10.28, retryAfter: time.Second}
}

// Start serves the fake on a new httptest.Server; close it when done.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

// AddAccount registers an API key and secret (Basic auth, get-balance).
func (s *Server) AddAccount(apiKey, apiSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[apiKey] = apiSecret
}

// AddApplication registers an application and the public key its JWTs
// must verify with.
func (s *Server) AddApplication(applicationID string, pub *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[applicationID] = pub
}

// SetFault answers percent% of the following calls (deterministically
// spread) with status: 429 (with Retry-After) when 0, or e.g. 500/503.
func (s *Server) SetFault(percent, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		status = http.StatusTooManyRequests
	}
	s.faultPct, s.faultStatus, s.faultAcc = min(max(percent, 0), 100), status, 0
}

// SetRetryAfter sets the Retry-After of throttled answers.
func (s *Server) SetRetryAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = d
}

// Requests returns the recorded calls in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Sent returns the decoded bodies of the recorded /v1/messages calls.
func (s *Server) Sent() []map[string]any {
	var out []map[string]any
	for _, r := range s.Requests() {
		if r.Path != "/v1/messages" {
			continue
		}
		var m map[string]any
		if json.Unmarshal(r.Body, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// Reset forgets the recorded calls.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

// ServeHTTP answers the Messages and Account API paths.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "Bad Request", "unreadable body", nil)
		return
	}
	s.record(r, body)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/messages":
		s.messages(w, r, body)
	case r.Method == http.MethodGet && r.URL.Path == "/account/get-balance":
		s.getBalance(w, r)
	default:
		writeProblem(w, http.StatusNotFound, "Not Found", "The requested resource does not exist", nil)
	}
}

func (s *Server) record(r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: bytes.Clone(body)})
}

// fault decides whether this call is answered with the fault status.
func (s *Server) fault() (int, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultAcc += s.faultPct
	if s.faultPct > 0 && s.faultAcc >= 100 {
		s.faultAcc -= 100
		return s.faultStatus, s.retryAfter
	}
	return 0, 0
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
