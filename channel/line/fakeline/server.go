// Package fakeline is an in-memory fake of the LINE Messaging API
// endpoints the line channel uses: push and reply (with retry keys, reply
// tokens and the documented validation errors), the loading animation,
// bot info, webhook endpoint, profiles and message content. It records
// every request, can fail a share of requests on purpose or run out of
// monthly quota, and builds, signs and delivers webhook batches the way
// LINE does.
//
// A Server is an http.Handler serving both api.line.me and
// api-data.line.me paths, safe for concurrent use; NewTestServer wraps one
// in an httptest.Server.
package fakeline

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

const maxLog = 10000

// Bot is a LINE Official Account the fake knows.
type Bot struct {
	Token       string // channel access token
	Secret      string // channel secret
	UserID      string // the bot's user id: webhook destination
	BasicID     string
	DisplayName string
}

// Profile is a friend's profile.
type Profile struct {
	DisplayName string
	PictureURL  string
}

// Request is one recorded request.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a fake Messaging API.
type Server struct {
	mu          sync.Mutex
	bots        map[string]*bot // by token
	profiles    map[string]Profile
	contents    map[string]content
	replyTokens map[string]bool // issued and unused
	retryKeys   map[string]string
	requests    []Request
	faults      faults
	quota       int // pushes left; -1 unlimited
	allowHTTP   bool
	seq         int64
}

type bot struct {
	Bot
	endpoint string
	active   bool
}

type content struct {
	contentType string
	data        []byte
}

// New returns a fake with no bots and unlimited quota.
func New() *Server {
	return &Server{bots: map[string]*bot{}, profiles: map[string]Profile{}, contents: map[string]content{},
		replyTokens: map[string]bool{}, retryKeys: map[string]string{}, quota: -1}
}

// NewTestServer starts a fake on an httptest.Server; close it when done.
// Use the test server's URL as the account's APIBaseURL.
func NewTestServer() (*Server, *httptest.Server) {
	s := New()
	return s, httptest.NewServer(s)
}

// AddBot registers an account by its channel access token.
func (s *Server) AddBot(b Bot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[b.Token] = &bot{Bot: b}
}

// SetProfile registers a friend's profile.
func (s *Server) SetProfile(userID string, p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[userID] = p
}

// AddContent makes a message's content downloadable.
func (s *Server) AddContent(messageID, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contents[messageID] = content{contentType: contentType, data: data}
}

// SetQuota leaves n pushes before LINE answers "You have reached your
// monthly limit." (n < 0: unlimited).
func (s *Server) SetQuota(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota = n
}

// AllowHTTPWebhooks lets webhook endpoints be plain http (a local
// simulator); LINE itself requires HTTPS.
func (s *Server) AllowHTTPWebhooks(allow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowHTTP = allow
}

// SetEndpoint sets a bot's webhook endpoint and its "Use webhook" toggle.
func (s *Server) SetEndpoint(token, endpoint string, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.bots[token]; b != nil {
		b.endpoint, b.active = endpoint, active
	}
}

// Endpoint returns a bot's webhook endpoint and toggle.
func (s *Server) Endpoint(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.bots[token]; b != nil {
		return b.endpoint, b.active
	}
	return "", false
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns the recorded requests to one path.
func (s *Server) Calls(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets the recorded requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxLog {
		s.requests = s.requests[1:]
	}
	s.requests = append(s.requests, r)
}

// auth returns the bot of the request's bearer token.
func (s *Server) auth(r *http.Request) (*bot, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, found := s.bots[tok]
	return b, found
}

// next returns a fresh sequence number.
func (s *Server) next() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}
