// Package fakegraph is an in-memory fake of the Graph API endpoints the
// Messenger channel uses (Send API, profile, page identity and webhook
// subscriptions). It speaks the real wire protocol, including error bodies,
// so it serves both integration tests and the built-in demo simulator.
//
// A Server is an http.Handler; mount it with http.StripPrefix or wrap it in
// an httptest.Server. It is safe for concurrent use.
package fakegraph

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley/channel/messenger"
)

// AppID and AppName identify the fake app in subscribed_apps answers.
const (
	AppID   = "1517776481860111"
	AppName = "Parley"
)

// maxLog bounds the number of recorded sends so a long-running demo does not
// grow without limit; the oldest calls are dropped first.
const maxLog = 10000

// subBuffer is the channel capacity of each Subscribe stream.
const subBuffer = 64

// Server is a fake Graph API.
type Server struct {
	mu       sync.Mutex
	pages    map[string]*page   // by page id
	tokens   map[string]string  // token -> page id
	profiles map[string]profile // by psid
	sent     []sentRecord
	fails    []FailKind
	flaky    flakiness
	hold     time.Duration // answers held back this long after the request was handled
	regain   *int          // minutes in rate-limit answers; nil = 1
	subs     map[int]*subscriber
	nextSub  int
}

type page struct {
	name, token string
	fields      []string // subscribed webhook fields; nil = not subscribed
}

type profile struct {
	first, last, pic string
}

type subscriber struct {
	psid string
	ch   chan SentCall
}

// New returns an empty fake with no pages.
func New() *Server {
	return &Server{
		pages:    map[string]*page{},
		tokens:   map[string]string{},
		profiles: map[string]profile{},
		subs:     map[int]*subscriber{},
	}
}

// AddPage registers a Page and its access token. Registering an existing
// Page again replaces its name and token.
func (s *Server) AddPage(pageID, name, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pages[pageID]; ok {
		if s.tokens[p.token] == pageID {
			delete(s.tokens, p.token)
		}
		p.name, p.token = name, token
	} else {
		s.pages[pageID] = &page{name: name, token: token}
	}
	s.tokens[token] = pageID
}

// SetProfile registers the profile returned for a PSID.
func (s *Server) SetProfile(psid, first, last, pic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[psid] = profile{first: first, last: last, pic: pic}
}

// isVersion reports whether a path segment is a Graph version like v25.0.
func isVersion(s string) bool {
	major, minor, ok := strings.Cut(strings.TrimPrefix(s, "v"), ".")
	return ok && len(s) > 1 && s[0] == 'v' && digits(major) && digits(minor)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// HoldAnswers makes the fake handle every request as usual (a send is
// recorded: the customer has the message) and then hold its answer back
// for d, or until the client gives up: Graph frozen. Zero ends it.
func (s *Server) HoldAnswers(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = d
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	if hold <= 0 {
		s.serve(w, r)
		return
	}
	rec := &heldAnswer{header: http.Header{}, code: http.StatusOK}
	s.serve(rec, r)
	select {
	case <-time.After(hold):
	case <-r.Context().Done():
		return
	}
	maps.Copy(w.Header(), rec.header)
	w.WriteHeader(rec.code)
	_, _ = w.Write(rec.body.Bytes())
}

// heldAnswer keeps an answer until it may be written.
type heldAnswer struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (h *heldAnswer) Header() http.Header         { return h.header }
func (h *heldAnswer) WriteHeader(code int)        { h.code = code }
func (h *heldAnswer) Write(b []byte) (int, error) { return h.body.Write(b) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Facebook-Api-Version", messenger.GraphVersion)

	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) > 0 && isVersion(segs[0]) {
		segs = segs[1:]
	}
	if len(segs) == 0 || len(segs) > 2 || segs[0] == "" {
		writeError(w, http.StatusBadRequest, apiError{
			Message: "Unknown path components: " + r.URL.Path, Type: "OAuthException", Code: 2500,
		})
		return
	}

	if kind, ok := s.takeFailure(); ok {
		s.writeFailure(w, kind, r)
		return
	}
	pageID, ok := s.auth(r)
	if !ok {
		writeError(w, http.StatusBadRequest, apiError{
			Message: "Invalid OAuth access token - Cannot parse access token", Type: "OAuthException", Code: 190,
		})
		return
	}

	node := segs[0]
	if node == "me" {
		node = pageID
	}
	switch {
	case len(segs) == 1 && r.Method == http.MethodGet:
		s.getNode(w, r, node)
	case len(segs) == 2 && segs[1] == "messages" && r.Method == http.MethodPost && node == pageID:
		s.postMessage(w, r, pageID)
	case len(segs) == 2 && segs[1] == "subscribed_apps" && node == pageID:
		s.subscribedApps(w, r, pageID)
	default:
		writeError(w, http.StatusBadRequest, unsupported(r.Method, segs[0]))
	}
}

// auth returns the Page owning the request's token (access_token parameter
// or Authorization: Bearer).
func (s *Server) auth(r *http.Request) (string, bool) {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			tok = strings.TrimSpace(h[7:])
		}
	}
	if tok == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.tokens[tok]
	return id, ok
}

// getNode answers GET /{id}: the Page itself or a customer profile.
func (s *Server) getNode(w http.ResponseWriter, r *http.Request, id string) {
	fields := splitFields(r.URL.Query().Get("fields"))
	s.mu.Lock()
	pg, isPage := s.pages[id]
	pr, isProfile := s.profiles[id]
	var pageName string
	if isPage {
		pageName = pg.name
	}
	s.mu.Unlock()

	var avail map[string]any
	var nodeType string
	switch {
	case isPage:
		nodeType = "Page"
		avail = map[string]any{"id": id, "name": pageName}
		if fields == nil {
			fields = []string{"name"}
		}
	case isProfile:
		nodeType = "User"
		avail = map[string]any{
			"id": id, "name": strings.TrimSpace(pr.first + " " + pr.last),
			"first_name": pr.first, "last_name": pr.last, "profile_pic": pr.pic,
		}
		if fields == nil {
			fields = []string{"name", "first_name", "last_name", "profile_pic"}
		}
	default:
		writeError(w, http.StatusBadRequest, apiError{
			Message: "(#100) No profile available for that user.", Type: "OAuthException",
			Code: 100, Subcode: 2018218,
		})
		return
	}
	out := map[string]any{"id": id}
	for _, f := range fields {
		v, ok := avail[f]
		if !ok {
			writeError(w, http.StatusBadRequest, apiError{
				Message: "(#100) Tried accessing nonexisting field (" + f + ") on node type (" + nodeType + ")",
				Type:    "OAuthException", Code: 100,
			})
			return
		}
		out[f] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// subscribedApps answers GET, POST and DELETE /{page-id}/subscribed_apps.
func (s *Server) subscribedApps(w http.ResponseWriter, r *http.Request, pageID string) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		fields := append([]string(nil), s.pages[pageID].fields...)
		s.mu.Unlock()
		data := []any{}
		if fields != nil {
			data = append(data, map[string]any{
				"category": "Business", "link": "https://parley.example/", "name": AppName,
				"id": AppID, "subscribed_fields": fields,
			})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data})
	case http.MethodPost:
		raw := r.URL.Query().Get("subscribed_fields")
		if raw == "" && r.ParseForm() == nil {
			raw = r.PostForm.Get("subscribed_fields")
		}
		fields := splitFields(raw)
		if len(fields) == 0 {
			writeError(w, http.StatusBadRequest, apiError{
				Message: "(#100) The parameter subscribed_fields is required", Type: "OAuthException", Code: 100,
			})
			return
		}
		for _, f := range fields {
			if !webhookField(f) {
				writeError(w, http.StatusBadRequest, apiError{
					Message: "(#100) Param subscribed_fields must be one of the valid webhook fields - got \"" + f + "\"",
					Type:    "OAuthException", Code: 100,
				})
				return
			}
		}
		s.mu.Lock()
		s.pages[pageID].fields = fields
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	case http.MethodDelete:
		s.mu.Lock()
		s.pages[pageID].fields = nil
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	default:
		writeError(w, http.StatusBadRequest, unsupported(r.Method, pageID))
	}
}

// webhookField reports whether f is a Page webhook field the app may subscribe to.
func webhookField(f string) bool {
	switch f {
	case "messages", "message_echoes", "message_deliveries", "message_reads",
		"message_reactions", "message_edits", "messaging_postbacks",
		"messaging_optins", "messaging_referrals", "messaging_handovers",
		"standby", "messaging_policy_enforcement", "messaging_account_linking",
		"response_feedback", "send_cart", "messenger_template_status_update":
		return true
	}
	return false
}

func splitFields(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Fb-Trace-Id", traceID())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// traceID returns a random fbtrace_id-like string.
func traceID() string { return rand.Text()[:11] }

// rand64 returns a random id body resembling a message id.
func rand64() string { return strings.ToLower(rand.Text()) + rand.Text() }

// now is the clock used for recorded calls.
func now() time.Time { return time.Now().UTC() }
