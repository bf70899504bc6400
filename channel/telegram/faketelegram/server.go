// Package faketelegram is an in-memory fake of the Telegram Bot API
// methods the telegram channel uses (getMe, send methods, sendChatAction,
// answerCallbackQuery, webhooks, getFile and file downloads). It speaks the
// real paths (/bot<token>/<method>, /file/bot<token>/<path>) and error
// bodies, records every request, can fail a share of requests on purpose,
// and builds and delivers webhook updates the way Telegram does.
//
// A Server is an http.Handler, safe for concurrent use; NewTestServer
// wraps one in an httptest.Server.
package faketelegram

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// maxLog bounds the recorded requests; the oldest are dropped first.
const maxLog = 10000

// Bot is a bot the fake knows, by its token.
type Bot struct {
	ID        int64
	Username  string
	FirstName string
}

// Request is one recorded request. Path holds the token, as on the wire.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// APIMethod is the Bot API method ("" for file downloads) and Params
	// its parameters, JSON values other than strings rendered as JSON.
	APIMethod string
	Params    map[string]string
}

// Server is a fake Bot API.
type Server struct {
	mu       sync.Mutex
	bots     map[string]Bot
	hooks    map[string]Webhook
	files    map[string]file
	blocked  map[int64]bool
	lastID   map[int64]int64
	requests []Request
	faults   faults
	now      func() time.Time
}

// Webhook is a bot's registered webhook.
type Webhook struct {
	URL            string
	Secret         string
	AllowedUpdates []string
}

type file struct {
	path string
	data []byte
}

// New returns a fake with no bots.
func New() *Server {
	return &Server{
		bots: map[string]Bot{}, hooks: map[string]Webhook{}, files: map[string]file{},
		blocked: map[int64]bool{}, lastID: map[int64]int64{}, now: time.Now,
	}
}

// NewTestServer starts a fake on an httptest.Server; close it when done.
// Use the test server's URL as the account's APIBaseURL.
func NewTestServer() (*Server, *httptest.Server) {
	s := New()
	return s, httptest.NewServer(s)
}

// AddBot registers a bot token.
func (s *Server) AddBot(token string, b Bot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[token] = b
}

// AddFile makes a file downloadable by file_id through getFile.
func (s *Server) AddFile(fileID, filePath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = file{path: filePath, data: data}
}

// Block makes sends to chatID fail as if the user blocked the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// SetWebhook registers a webhook as setWebhook would.
func (s *Server) SetWebhook(token string, h Webhook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks[token] = h
}

// Webhook returns the bot's registered webhook.
func (s *Server) Webhook(token string) Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hooks[token]
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns the recorded requests of one Bot API method.
func (s *Server) Calls(apiMethod string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.EqualFold(r.APIMethod, apiMethod) {
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

// record appends r to the log.
func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxLog {
		s.requests = s.requests[1:]
	}
	s.requests = append(s.requests, r)
}
