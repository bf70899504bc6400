// Package fakeviber is an in-memory fake of the Viber bot API endpoints the
// viber channel uses (send_message, set_webhook, get_account_info). It
// speaks the real protocol: every answer is HTTP 200 with a JSON status
// (0 ok, 2 invalidAuthToken, 6 receiverNotSubscribed, 12 tooManyRequests…),
// set_webhook first posts the signed {"event":"webhook"} check to the URL,
// and every request is recorded for assertions. It also builds and signs
// callbacks the way Viber does, for simulators and end-to-end tests.
//
// A Server is an http.Handler, safe for concurrent use.
package fakeviber

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley/channel/viber"
)

// firstToken is the message_token of the first message sent.
const firstToken int64 = 5741311803571721087

// maxBody bounds a request body.
const maxBody = 1 << 20

// Bot is one bot the fake knows, by auth token.
type Bot struct {
	Token      string
	ID         string
	Name       string
	URI        string
	Webhook    string
	EventTypes []string
}

// Request is one recorded API call.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a fake Viber bot API.
type Server struct {
	mu          sync.Mutex
	bots        map[string]*Bot
	unsub       map[string]bool
	reqs        []Request
	next        int64
	faultPct    int
	faultStatus int
	faultAcc    int
	hc          *http.Client
}

// New returns a fake with no bots.
func New() *Server {
	return &Server{bots: map[string]*Bot{}, unsub: map[string]bool{}, next: firstToken,
		hc: &http.Client{Timeout: 10 * time.Second}}
}

// Start serves the fake on a new httptest.Server; close it when done.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

// SetHTTPClient sets the client set_webhook posts its check with.
func (s *Server) SetHTTPClient(hc *http.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hc = hc
}

// AddBot registers a bot and its auth token.
func (s *Server) AddBot(token, id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[token] = &Bot{Token: token, ID: id, Name: name, URI: strings.ToLower(name)}
}

// Bot returns a copy of the bot with token, if any.
func (s *Server) Bot(token string) (Bot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bots[token]
	if !ok {
		return Bot{}, false
	}
	c := *b
	c.EventTypes = append([]string(nil), b.EventTypes...)
	return c, true
}

// SetWebhookURL sets a bot's registered webhook without the check.
func (s *Server) SetWebhookURL(token, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.bots[token]; ok {
		b.Webhook = url
	}
}

// Unsubscribe makes sends to userID fail with status 6.
func (s *Server) Unsubscribe(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsub[userID] = true
}

// SetFault answers percent% of the following calls (deterministically
// spread) with status (12 tooManyRequests when 0); percent 0 turns it off.
func (s *Server) SetFault(percent, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		status = viber.StatusTooManyRequests
	}
	s.faultPct, s.faultStatus, s.faultAcc = min(max(percent, 0), 100), status, 0
}

// Requests returns the recorded calls in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Sent returns the decoded bodies of the recorded send_message calls.
func (s *Server) Sent() []map[string]any {
	var out []map[string]any
	for _, r := range s.Requests() {
		if r.Path != "/pa/send_message" {
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(r.Body))
		dec.UseNumber()
		if dec.Decode(&m) == nil {
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

// ServeHTTP answers /pa/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	s.record(r, body)
	method, ok := strings.CutPrefix(r.URL.Path, "/pa/")
	if !ok || (r.Method != http.MethodPost && r.Method != http.MethodGet) {
		http.NotFound(w, r)
		return
	}
	bot, fault := s.auth(r.Header.Get(viber.AuthHeader))
	switch {
	case bot == nil:
		writeStatus(w, viber.StatusInvalidAuthToken)
	case fault != 0:
		writeStatus(w, fault)
	default:
		s.dispatch(w, method, bot, body)
	}
}

// dispatch runs one API method for an authenticated bot.
func (s *Server) dispatch(w http.ResponseWriter, method string, bot *Bot, body []byte) {
	switch method {
	case "send_message":
		s.sendMessage(w, body)
	case "set_webhook":
		s.setWebhook(w, bot.Token, body)
	case "get_account_info":
		s.accountInfo(w, bot.Token)
	default:
		writeStatus(w, viber.StatusBadData)
	}
}

// record logs one call.
func (s *Server) record(r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
}

// auth finds the bot and decides whether this call is a fault.
func (s *Server) auth(token string) (*Bot, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bots[token]
	if !ok || token == "" {
		return nil, 0
	}
	s.faultAcc += s.faultPct
	if s.faultPct > 0 && s.faultAcc >= 100 {
		s.faultAcc -= 100
		return b, s.faultStatus
	}
	return b, 0
}
