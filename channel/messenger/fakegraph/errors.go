package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// FailKind selects an error to inject with FailNext.
type FailKind int

// Injectable failures, each answered with the platform's real status and body.
const (
	FailRateLimit     FailKind = iota + 1 // 613, with X-Business-Use-Case-Usage
	FailExpiredToken                      // 190/463 session expired
	FailUserBlocked                       // 551/1545041 person not available
	FailServer                            // HTTP 500, code 2, transient
	FailOutsideWindow                     // 10/2018278 outside the allowed window
)

// String implements fmt.Stringer.
func (k FailKind) String() string {
	switch k {
	case FailRateLimit:
		return "rate_limit"
	case FailExpiredToken:
		return "expired_token"
	case FailUserBlocked:
		return "user_blocked"
	case FailServer:
		return "server"
	case FailOutsideWindow:
		return "outside_window"
	}
	return fmt.Sprintf("FailKind(%d)", int(k))
}

// FailNext makes the next n requests (to any endpoint, whatever their
// token) fail with kind. Calls queue up: FailNext(1, A) then FailNext(1, B)
// fails one request with A and the following one with B.
func (s *Server) FailNext(n int, kind FailKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fails = append(s.fails, kind)
	}
}

// flakiness fails the first tries of every message (FailEachMessage).
type flakiness struct {
	tries int
	kinds []FailKind
	seen  map[string]int // tries so far, by recipient and request body
	n     int            // failures answered, to rotate kinds
}

// FailEachMessage makes the Send API fail the first tries attempts of
// every message (the same recipient and body), answering with kinds in
// turn, then accept it. With tries 1 half the calls fail, the way a Graph
// API in trouble answers, but every message can get through; a message
// sent twice after being accepted shows as a second accepted call.
func (s *Server) FailEachMessage(tries int, kinds ...FailKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flaky = flakiness{tries: tries, kinds: kinds, seen: map[string]int{}}
}

// FlakyFailures is how many calls FailEachMessage has failed so far.
func (s *Server) FlakyFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flaky.n
}

func (s *Server) flakyFailure(psid string, body []byte) (FailKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.flaky
	if f.tries == 0 || len(f.kinds) == 0 {
		return 0, false
	}
	key := psid + "\x00" + string(body)
	if f.seen[key] >= f.tries {
		return 0, false
	}
	f.seen[key]++
	k := f.kinds[f.n%len(f.kinds)]
	f.n++
	return k, true
}

// SetRateLimitRegain sets the estimated_time_to_regain_access, in minutes,
// that rate-limit answers carry (1 unless set; Meta also sends 0).
func (s *Server) SetRateLimitRegain(minutes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regain = &minutes
}

func (s *Server) regainMinutes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.regain == nil {
		return 1
	}
	return *s.regain
}

func (s *Server) takeFailure() (FailKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fails) == 0 {
		return 0, false
	}
	k := s.fails[0]
	s.fails = s.fails[1:]
	return k, true
}

// apiError is the body of a Graph error answer.
type apiError struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode,omitempty"`
	IsTransient bool   `json:"is_transient,omitempty"`
	UserTitle   string `json:"error_user_title,omitempty"`
	UserMsg     string `json:"error_user_msg,omitempty"`
	TraceID     string `json:"fbtrace_id"`
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	e.TraceID = traceID()
	w.Header().Set("X-Fb-Trace-Id", e.TraceID)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]apiError{"error": e})
}

func unsupported(method, id string) apiError {
	return apiError{
		Message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
			strings.ToLower(method), id),
		Type: "GraphMethodException", Code: 100, Subcode: 33,
	}
}

func (s *Server) writeFailure(w http.ResponseWriter, kind FailKind, r *http.Request) {
	switch kind {
	case FailRateLimit:
		id, _ := s.auth(r)
		if id == "" {
			id = "0"
		}
		usage, _ := json.Marshal(map[string]any{id: []map[string]any{{
			"type": "messenger", "call_count": 100, "total_cputime": 12, "total_time": 15,
			"estimated_time_to_regain_access": s.regainMinutes(),
		}}})
		w.Header().Set("X-Business-Use-Case-Usage", string(usage))
		writeError(w, http.StatusBadRequest, apiError{
			Message: "(#613) Calls to this api have exceeded the rate limit.", Type: "OAuthException", Code: 613,
		})
	case FailExpiredToken:
		exp := time.Now().Add(-time.Hour).UTC()
		writeError(w, http.StatusBadRequest, apiError{
			Message: fmt.Sprintf("Error validating access token: Session has expired on %s. The current time is %s.",
				exp.Format("Monday, 02-Jan-06 15:04:05 MST"), time.Now().UTC().Format("Monday, 02-Jan-06 15:04:05 MST")),
			Type: "OAuthException", Code: 190, Subcode: 463,
		})
	case FailUserBlocked:
		writeError(w, http.StatusBadRequest, apiError{
			Message: "(#551) This person isn't available right now.", Type: "OAuthException",
			Code: 551, Subcode: 1545041,
		})
	case FailOutsideWindow:
		writeError(w, http.StatusBadRequest, apiError{
			Message: "(#10) This message is sent outside of allowed window.", Type: "OAuthException",
			Code: 10, Subcode: 2018278,
		})
	default: // FailServer and anything unknown
		writeError(w, http.StatusInternalServerError, apiError{
			Message: "An unexpected error has occurred. Please retry your request later.",
			Type:    "OAuthException", Code: 2, IsTransient: true,
		})
	}
}
