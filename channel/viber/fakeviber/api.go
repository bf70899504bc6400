package fakeviber

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley/channel/viber"
)

// statusName is the status_message Viber answers with a status.
func statusName(status int) string {
	switch status {
	case 0:
		return "ok"
	case viber.StatusInvalidURL:
		return "invalidUrl"
	case viber.StatusInvalidAuthToken:
		return "invalidAuthToken"
	case viber.StatusBadData:
		return "badData"
	case viber.StatusMissingData:
		return "missingData"
	case viber.StatusReceiverNotRegistered:
		return "receiverNotRegistered"
	case viber.StatusReceiverNotSubscribed:
		return "receiverNotSubscribed"
	case viber.StatusReceiverNoSuitableDevice:
		return "receiverNoSuitableDevice"
	case viber.StatusTooManyRequests:
		return "Too many requests"
	}
	return "General error"
}

// writeStatus answers HTTP 200 with a bare status.
func writeStatus(w http.ResponseWriter, status int) {
	writeJSON(w, map[string]any{"status": status, "status_message": statusName(status)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

type sendReq struct {
	Receiver string `json:"receiver"`
	Sender   struct {
		Name string `json:"name"`
	} `json:"sender"`
	Type string  `json:"type"`
	Text *string `json:"text"`
}

// sendMessage validates a send_message body like Viber and answers a token.
func (s *Server) sendMessage(w http.ResponseWriter, body []byte) {
	var req sendReq
	if err := json.Unmarshal(body, &req); err != nil {
		writeStatus(w, viber.StatusBadData)
		return
	}
	if st := validateSend(&req); st != 0 {
		writeStatus(w, st)
		return
	}
	s.mu.Lock()
	unsub := s.unsub[req.Receiver]
	tok := s.next
	if !unsub {
		s.next++
	}
	s.mu.Unlock()
	if unsub {
		writeStatus(w, viber.StatusReceiverNotSubscribed)
		return
	}
	writeJSON(w, map[string]any{"status": 0, "status_message": "ok", "message_token": tok,
		"chat_hostname": "SN-CHAT-05_", "billing_status": 1})
}

// validateSend returns the status Viber would answer a bad body with.
func validateSend(r *sendReq) int {
	switch {
	case r.Receiver == "" || r.Type == "" || r.Sender.Name == "":
		return viber.StatusMissingData
	case utf8.RuneCountInString(r.Sender.Name) > viber.MaxSenderName:
		return viber.StatusBadData
	case r.Type == "text" && (r.Text == nil || *r.Text == ""):
		return viber.StatusMissingData
	case r.Type == "text" && utf8.RuneCountInString(*r.Text) > viber.MaxText:
		return viber.StatusBadData
	}
	return 0
}

type setWebhookReq struct {
	URL        string   `json:"url"`
	EventTypes []string `json:"event_types"`
}

// setWebhook posts the signed check to the URL first and registers it only
// if it answers 200; an empty URL removes the webhook.
func (s *Server) setWebhook(w http.ResponseWriter, token string, body []byte) {
	var req setWebhookReq
	if err := json.Unmarshal(body, &req); err != nil {
		writeStatus(w, viber.StatusBadData)
		return
	}
	if req.URL != "" {
		if err := s.check(req.URL, token); err != nil {
			writeJSON(w, map[string]any{"status": viber.StatusInvalidURL, "status_message": "invalidUrl: " + err.Error()})
			return
		}
	}
	s.mu.Lock()
	if b, ok := s.bots[token]; ok {
		b.Webhook, b.EventTypes = req.URL, append([]string(nil), req.EventTypes...)
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"status": 0, "status_message": "ok", "event_types": req.EventTypes})
}

// check posts the {"event":"webhook"} callback and wants a 200.
func (s *Server) check(url, token string) error {
	s.mu.Lock()
	hc, tok := s.hc, s.next
	s.next++
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := Post(ctx, hc, url, token, WebhookCheck(tok, time.Now()))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// accountInfo answers get_account_info.
func (s *Server) accountInfo(w http.ResponseWriter, token string) {
	s.mu.Lock()
	b := *s.bots[token]
	s.mu.Unlock()
	et := b.EventTypes
	if et == nil {
		et = []string{}
	}
	writeJSON(w, map[string]any{"status": 0, "status_message": "ok", "id": b.ID, "name": b.Name,
		"uri": b.URI, "icon": "", "background": "", "category": "Support", "subcategory": "",
		"country": "UK", "webhook": b.Webhook, "event_types": et, "subscribers_count": 1})
}
