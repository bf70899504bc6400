package fakeline

import (
	"strconv"
	"strings"
)

// acceptedKey returns the request id that accepted key before.
func (s *Server) acceptedKey(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.retryKeys[key]
	return id, ok
}

func (s *Server) acceptKey(key, requestID string) {
	if key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryKeys[key] = requestID
}

// takeQuota spends one push of the monthly quota.
func (s *Server) takeQuota() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.quota == 0 {
		return false
	}
	if s.quota > 0 {
		s.quota--
	}
	return true
}

// IssueReplyToken returns a fresh single-use reply token.
func (s *Server) IssueReplyToken() string {
	tok := "fakereply" + strconv.FormatInt(s.next(), 16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replyTokens[tok] = true
	return tok
}

// useReplyToken spends a reply token.
func (s *Server) useReplyToken(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.replyTokens[tok] {
		return false
	}
	delete(s.replyTokens, tok)
	return true
}

// sent is the answer of a reply or push of n messages.
func (s *Server) sent(n int) map[string]any {
	msgs := make([]map[string]string, 0, n)
	for range n {
		id := strconv.FormatInt(461230966842064000+s.next(), 10)
		msgs = append(msgs, map[string]string{"id": id, "quoteToken": "q" + id})
	}
	return map[string]any{"sentMessages": msgs}
}

func (s *Server) validEndpoint(u string) bool {
	s.mu.Lock()
	allowHTTP := s.allowHTTP
	s.mu.Unlock()
	if len(u) > 500 {
		return false
	}
	return strings.HasPrefix(u, "https://") || allowHTTP && strings.HasPrefix(u, "http://")
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
