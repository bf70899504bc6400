package faketelegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// SecretHeader is the header Telegram sends the webhook's secret_token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// From is the customer an update comes from (a private chat: chat id =
// user id).
type From struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
}

func (f From) user() map[string]any {
	u := map[string]any{"id": f.ID, "is_bot": false, "first_name": f.FirstName}
	if f.LastName != "" {
		u["last_name"] = f.LastName
	}
	if f.Username != "" {
		u["username"] = f.Username
	}
	return u
}

func (f From) chat() map[string]any {
	c := map[string]any{"id": f.ID, "type": "private", "first_name": f.FirstName}
	if f.LastName != "" {
		c["last_name"] = f.LastName
	}
	return c
}

// Update encodes an Update carrying one field (kind) as Telegram sends it.
func Update(updateID int64, kind string, obj any) []byte {
	b, err := json.Marshal(map[string]any{"update_id": updateID, kind: obj})
	if err != nil {
		return nil
	}
	return b
}

// Message is a private-chat Message from f; add content fields to it
// ("text", "photo", "location", …) before passing it to Update.
func Message(messageID int64, f From, at time.Time) map[string]any {
	return map[string]any{"message_id": messageID, "from": f.user(), "chat": f.chat(), "date": at.Unix()}
}

// TextUpdate is an Update with a text message; "/start <payload>" is a
// deep-link start.
func TextUpdate(updateID, messageID int64, f From, text string, at time.Time) []byte {
	m := Message(messageID, f, at)
	m["text"] = text
	if len(text) > 0 && text[0] == '/' {
		m["entities"] = []map[string]any{{"offset": 0, "length": commandLen(text), "type": "bot_command"}}
	}
	return Update(updateID, "message", m)
}

func commandLen(text string) int {
	for i, r := range text {
		if r == ' ' {
			return i
		}
	}
	return len(text)
}

// CallbackUpdate is an inline keyboard tap with callback data on the bot
// message messageID.
func CallbackUpdate(updateID int64, f From, queryID string, messageID int64, data string, at time.Time) []byte {
	msg := map[string]any{"message_id": messageID, "chat": f.chat(), "date": at.Unix(), "text": "…"}
	q := map[string]any{"id": queryID, "from": f.user(), "message": msg, "chat_instance": "-8877665544332211", "data": data}
	return Update(updateID, "callback_query", q)
}

// BlockUpdate is my_chat_member for a private chat: the user blocked the
// bot (status "kicked") or unblocked it ("member").
func BlockUpdate(updateID int64, f From, bot Bot, blocked bool, at time.Time) []byte {
	old, now := "kicked", "member"
	if blocked {
		old, now = "member", "kicked"
	}
	botUser := map[string]any{"id": bot.ID, "is_bot": true, "first_name": bot.FirstName, "username": bot.Username}
	m := map[string]any{"chat": f.chat(), "from": f.user(), "date": at.Unix(),
		"old_chat_member": map[string]any{"status": old, "user": botUser},
		"new_chat_member": map[string]any{"status": now, "user": botUser, "until_date": 0}}
	return Update(updateID, "my_chat_member", m)
}

// NewWebhookRequest is the POST Telegram makes to a webhook: the update as
// JSON with the secret in X-Telegram-Bot-Api-Secret-Token (omitted when
// secret is empty).
func NewWebhookRequest(ctx context.Context, url, secret string, update []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(update))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	return req, nil
}

// Deliver posts update to the webhook registered for token, with its
// secret, and returns the webhook's HTTP status.
func (s *Server) Deliver(ctx context.Context, hc *http.Client, token string, update []byte) (int, error) {
	h := s.Webhook(token)
	if h.URL == "" {
		return 0, fmt.Errorf("faketelegram: no webhook set for the bot")
	}
	req, err := NewWebhookRequest(ctx, h.URL, h.Secret, update)
	if err != nil {
		return 0, err
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
