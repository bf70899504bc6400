package fakeline

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const maxBody = 2 << 20

// detail is one entry of an error's details.
type detail struct {
	Message  string `json:"message"`
	Property string `json:"property"`
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	s.record(Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	w.Header().Set("X-Line-Request-Id", fmt.Sprintf("fake-req-%d", s.next()))
	if s.fault(w) {
		return
	}
	b, ok := s.auth(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.", nil)
		return
	}
	s.route(w, r, b, body)
}

// route dispatches by method and path.
func (s *Server) route(w http.ResponseWriter, r *http.Request, b *bot, body []byte) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/v2/bot/message/push":
		s.push(w, r, body)
	case r.Method == http.MethodPost && p == "/v2/bot/message/reply":
		s.reply(w, r, body)
	case r.Method == http.MethodPost && p == "/v2/bot/chat/loading/start":
		s.loading(w, body)
	case r.Method == http.MethodGet && p == "/v2/bot/info":
		writeJSON(w, http.StatusOK, map[string]any{"userId": b.UserID, "basicId": b.BasicID, "displayName": b.DisplayName,
			"chatMode": "chat", "markAsReadMode": "manual"})
	case p == "/v2/bot/channel/webhook/endpoint":
		s.endpoint(w, r, b, body)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/v2/bot/profile/"):
		s.profile(w, strings.TrimPrefix(p, "/v2/bot/profile/"))
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/v2/bot/message/") && strings.HasSuffix(p, "/content"):
		s.content(w, strings.TrimSuffix(strings.TrimPrefix(p, "/v2/bot/message/"), "/content"))
	default:
		writeError(w, http.StatusNotFound, "Not found", nil)
	}
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		To       string            `json:"to"`
		Messages []json.RawMessage `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		writeError(w, http.StatusBadRequest, "The request body could not be parsed as JSON", nil)
		return
	}
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" && !isUUID(key) {
		writeError(w, http.StatusBadRequest, "The value for the 'X-Line-Retry-Key' header is invalid", nil)
		return
	}
	if accepted, dup := s.acceptedKey(key); dup {
		w.Header().Set("X-Line-Accepted-Request-Id", accepted)
		writeError(w, http.StatusConflict, "The retry key is already accepted", nil)
		return
	}
	details := validateMessages(req.Messages)
	if req.To == "" {
		details = append(details, detail{"May not be empty", "to"})
	}
	if len(details) > 0 {
		writeError(w, http.StatusBadRequest, bodyErrors(len(details)), details)
		return
	}
	if !s.takeQuota() {
		writeError(w, http.StatusTooManyRequests, "You have reached your monthly limit.", nil)
		return
	}
	s.acceptKey(key, w.Header().Get("X-Line-Request-Id"))
	writeJSON(w, http.StatusOK, s.sent(len(req.Messages)))
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		ReplyToken string            `json:"replyToken"`
		Messages   []json.RawMessage `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		writeError(w, http.StatusBadRequest, "The request body could not be parsed as JSON", nil)
		return
	}
	if r.Header.Get("X-Line-Retry-Key") != "" {
		writeError(w, http.StatusBadRequest, "The retry key is not supported for this API", nil)
		return
	}
	if details := validateMessages(req.Messages); len(details) > 0 {
		writeError(w, http.StatusBadRequest, bodyErrors(len(details)), details)
		return
	}
	if !s.useReplyToken(req.ReplyToken) {
		writeError(w, http.StatusBadRequest, "Invalid reply token", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.sent(len(req.Messages)))
}

func (s *Server) loading(w http.ResponseWriter, body []byte) {
	var req struct {
		ChatID         string `json:"chatId"`
		LoadingSeconds *int   `json:"loadingSeconds"`
	}
	if json.Unmarshal(body, &req) != nil || req.ChatID == "" {
		writeError(w, http.StatusBadRequest, "The request body has 1 error(s)", []detail{{"May not be empty", "chatId"}})
		return
	}
	if n := req.LoadingSeconds; n != nil && (*n < 5 || *n > 60 || *n%5 != 0) {
		writeError(w, http.StatusBadRequest, "The request body has 1 error(s)", []detail{{"Invalid value", "loadingSeconds"}})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

func (s *Server) endpoint(w http.ResponseWriter, r *http.Request, b *bot, body []byte) {
	switch r.Method {
	case http.MethodGet:
		ep, active := s.Endpoint(b.Token)
		writeJSON(w, http.StatusOK, map[string]any{"endpoint": ep, "active": active})
	case http.MethodPut:
		var req struct {
			Endpoint string `json:"endpoint"`
		}
		_ = json.Unmarshal(body, &req)
		if !s.validEndpoint(req.Endpoint) {
			writeError(w, http.StatusBadRequest, "Invalid webhook endpoint URL", nil)
			return
		}
		_, active := s.Endpoint(b.Token)
		s.SetEndpoint(b.Token, req.Endpoint, active)
		writeJSON(w, http.StatusOK, map[string]any{})
	default:
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed", nil)
	}
}

func (s *Server) profile(w http.ResponseWriter, userID string) {
	s.mu.Lock()
	p, ok := s.profiles[userID]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Not found", nil)
		return
	}
	out := map[string]any{"displayName": p.DisplayName, "userId": userID, "language": "en"}
	if p.PictureURL != "" {
		out["pictureUrl"] = p.PictureURL
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) content(w http.ResponseWriter, messageID string) {
	s.mu.Lock()
	c, ok := s.contents[messageID]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Not found", nil)
		return
	}
	w.Header().Set("Content-Type", c.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(c.data)))
	_, _ = w.Write(c.data)
}

func writeError(w http.ResponseWriter, status int, message string, details []detail) {
	body := map[string]any{"message": message}
	if len(details) > 0 {
		body["details"] = details
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func bodyErrors(n int) string { return fmt.Sprintf("The request body has %d error(s)", n) }
