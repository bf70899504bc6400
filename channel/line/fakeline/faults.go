package fakeline

import "net/http"

// faults answers a share of requests with an error status.
type faults struct {
	percent, status, acc int
}

// SetFaults makes percent % of the following requests (spread evenly,
// deterministically) fail with status (429: "Too many requests", 5xx:
// "Internal server error"). percent 0 turns faults off.
func (s *Server) SetFaults(percent, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{percent: percent, status: status}
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
	status := f.status
	s.mu.Unlock()
	if !fail {
		return false
	}
	if status == http.StatusTooManyRequests {
		writeError(w, status, "Too many requests", nil)
	} else {
		writeError(w, status, "Internal server error", nil)
	}
	return true
}
