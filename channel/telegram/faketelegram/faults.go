package faketelegram

import (
	"net/http"
	"strconv"
)

// faults answers a share of requests with an error status.
type faults struct {
	percent, status, retryAfter int
	acc                         int
}

// SetFaults makes percent % of the following requests (spread evenly,
// deterministically) fail with status: 429 answers "Too Many Requests"
// with parameters.retry_after = retryAfter seconds, 5xx answers a server
// error. percent 0 turns faults off.
func (s *Server) SetFaults(percent, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{percent: percent, status: status, retryAfter: retryAfter}
}

// fault reports whether this request is to fail, and writes the answer.
func (s *Server) fault(w http.ResponseWriter) bool {
	s.mu.Lock()
	f := &s.faults
	fail := false
	if f.percent > 0 {
		f.acc += f.percent
		if f.acc >= 100 {
			f.acc -= 100
			fail = true
		}
	}
	status, retry := f.status, f.retryAfter
	s.mu.Unlock()
	if !fail {
		return false
	}
	if status == http.StatusTooManyRequests {
		writeError(w, status, "Too Many Requests: retry after "+strconv.Itoa(retry), map[string]any{"retry_after": retry})
		return true
	}
	writeError(w, status, http.StatusText(status), nil)
	return true
}
