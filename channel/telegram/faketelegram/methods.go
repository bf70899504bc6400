package faketelegram

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
)

// dispatch answers one Bot API method.
func (s *Server) dispatch(w http.ResponseWriter, token string, bot Bot, method string, p map[string]string) {
	switch strings.ToLower(method) {
	case "getme":
		writeOK(w, map[string]any{"id": bot.ID, "is_bot": true, "first_name": bot.FirstName, "username": bot.Username,
			"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false}, "")
	case "sendmessage":
		s.sendMessage(w, bot, p)
	case "sendphoto", "senddocument", "sendvideo", "sendaudio":
		s.sendMedia(w, bot, strings.ToLower(strings.TrimPrefix(strings.ToLower(method), "send")), p)
	case "sendchataction":
		s.chatAction(w, p)
	case "answercallbackquery":
		if p["callback_query_id"] == "" {
			badRequest(w, "query is too old and response timeout expired or query ID is invalid")
			return
		}
		writeOK(w, true, "")
	case "setwebhook":
		s.setWebhook(w, token, p)
	case "deletewebhook":
		s.SetWebhook(token, Webhook{})
		writeOK(w, true, "Webhook was deleted")
	case "getwebhookinfo":
		h := s.Webhook(token)
		writeOK(w, map[string]any{"url": h.URL, "has_custom_certificate": false, "pending_update_count": 0,
			"max_connections": 40, "allowed_updates": h.AllowedUpdates}, "")
	case "getfile":
		s.getFile(w, p)
	default:
		writeError(w, http.StatusNotFound, "Not Found", nil)
	}
}

func badRequest(w http.ResponseWriter, what string) {
	writeError(w, http.StatusBadRequest, "Bad Request: "+what, nil)
}

// chat checks chat_id and the block list; it answers and returns false
// when the send must fail.
func (s *Server) chat(w http.ResponseWriter, p map[string]string) (int64, bool) {
	if p["chat_id"] == "" {
		badRequest(w, "chat_id is empty")
		return 0, false
	}
	id, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		badRequest(w, "chat not found")
		return 0, false
	}
	s.mu.Lock()
	blocked := s.blocked[id]
	s.mu.Unlock()
	if blocked {
		writeError(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
		return 0, false
	}
	return id, true
}

func (s *Server) sendMessage(w http.ResponseWriter, bot Bot, p map[string]string) {
	id, ok := s.chat(w, p)
	if !ok {
		return
	}
	switch n := utf16Len(p["text"]); {
	case strings.TrimSpace(p["text"]) == "":
		badRequest(w, "message text is empty")
		return
	case n > 4096:
		badRequest(w, "message is too long")
		return
	}
	if !validMarkup(w, p["reply_markup"]) {
		return
	}
	msg := s.message(bot, id)
	msg["text"] = p["text"]
	writeOK(w, msg, "")
}

func (s *Server) sendMedia(w http.ResponseWriter, bot Bot, field string, p map[string]string) {
	id, ok := s.chat(w, p)
	if !ok {
		return
	}
	switch {
	case p[field] == "":
		badRequest(w, "there is no "+field+" in the request")
		return
	case utf16Len(p["caption"]) > 1024:
		badRequest(w, "message caption is too long")
		return
	}
	if !validMarkup(w, p["reply_markup"]) {
		return
	}
	msg := s.message(bot, id)
	msg[field] = map[string]any{"file_id": "fake-" + field + "-" + strconv.FormatInt(msg["message_id"].(int64), 10)}
	if p["caption"] != "" {
		msg["caption"] = p["caption"]
	}
	writeOK(w, msg, "")
}

// validMarkup checks callback_data lengths of an inline keyboard.
func validMarkup(w http.ResponseWriter, markup string) bool {
	if markup == "" {
		return true
	}
	var m struct {
		InlineKeyboard [][]struct {
			Text         string  `json:"text"`
			CallbackData *string `json:"callback_data"`
			URL          *string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(markup), &m) != nil {
		badRequest(w, "can't parse reply keyboard markup JSON object")
		return false
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > 64) {
				badRequest(w, "BUTTON_DATA_INVALID")
				return false
			}
		}
	}
	return true
}

// message is a new Message from the bot to chat id.
func (s *Server) message(bot Bot, chatID int64) map[string]any {
	s.mu.Lock()
	s.lastID[chatID]++
	n := s.lastID[chatID]
	now := s.now().Unix()
	s.mu.Unlock()
	return map[string]any{
		"message_id": n, "date": now,
		"from": map[string]any{"id": bot.ID, "is_bot": true, "first_name": bot.FirstName, "username": bot.Username},
		"chat": map[string]any{"id": chatID, "type": "private"},
	}
}

func (s *Server) chatAction(w http.ResponseWriter, p map[string]string) {
	if _, ok := s.chat(w, p); !ok {
		return
	}
	if p["action"] == "" {
		badRequest(w, "wrong parameter action in request")
		return
	}
	writeOK(w, true, "")
}

func (s *Server) setWebhook(w http.ResponseWriter, token string, p map[string]string) {
	secret := p["secret_token"]
	if len(secret) > 256 || strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
		badRequest(w, "secret token contains unallowed characters")
		return
	}
	var allowed []string
	_ = json.Unmarshal([]byte(p["allowed_updates"]), &allowed)
	s.SetWebhook(token, Webhook{URL: p["url"], Secret: secret, AllowedUpdates: allowed})
	if p["url"] == "" {
		writeOK(w, true, "Webhook was deleted")
		return
	}
	writeOK(w, true, "Webhook was set")
}

func (s *Server) getFile(w http.ResponseWriter, p map[string]string) {
	s.mu.Lock()
	f, ok := s.files[p["file_id"]]
	s.mu.Unlock()
	if !ok {
		badRequest(w, "invalid file_id")
		return
	}
	writeOK(w, map[string]any{"file_id": p["file_id"], "file_unique_id": "u-" + p["file_id"],
		"file_size": len(f.data), "file_path": f.path}, "")
}

// serveFile answers a download by file path.
func (s *Server) serveFile(w http.ResponseWriter, filePath string) {
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == filePath {
			data, found = f.data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
