package fakeviber

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/parleycc/parley/channel/viber"
)

// User is a Viber user as callbacks show it.
type User struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Avatar     string `json:"avatar,omitempty"`
	Country    string `json:"country,omitempty"`
	Language   string `json:"language,omitempty"`
	APIVersion int    `json:"api_version,omitempty"`
}

// Message is the message of a "message" callback.
type Message struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	Media     string         `json:"media,omitempty"`
	Thumbnail string         `json:"thumbnail,omitempty"`
	FileName  string         `json:"file_name,omitempty"`
	Size      int64          `json:"size,omitempty"`
	StickerID int64          `json:"sticker_id,omitempty"`
	Contact   map[string]any `json:"contact,omitempty"`
	Location  map[string]any `json:"location,omitempty"`
}

// Event is a callback body.
type Event struct {
	Event        string   `json:"event"`
	Timestamp    int64    `json:"timestamp"`
	ChatHostname string   `json:"chat_hostname,omitempty"`
	MessageToken int64    `json:"message_token,omitempty"`
	Type         string   `json:"type,omitempty"`
	Context      string   `json:"context,omitempty"`
	Sender       *User    `json:"sender,omitempty"`
	User         *User    `json:"user,omitempty"`
	UserID       string   `json:"user_id,omitempty"`
	Message      *Message `json:"message,omitempty"`
	Subscribed   *bool    `json:"subscribed,omitempty"`
	Silent       *bool    `json:"silent,omitempty"`
}

// Body encodes the event.
func (e Event) Body() []byte {
	b, _ := json.Marshal(e)
	return b
}

// WebhookCheck is the callback set_webhook posts.
func WebhookCheck(token int64, at time.Time) []byte {
	return Event{Event: viber.EventWebhook, Timestamp: at.UnixMilli(), ChatHostname: "SN-CHAT-05_", MessageToken: token}.Body()
}

// MessageEvent is a "message" callback from u.
func MessageEvent(token int64, at time.Time, u User, m Message) []byte {
	f := false
	return Event{Event: viber.EventMessage, Timestamp: at.UnixMilli(), ChatHostname: "SN-CHAT-05_",
		MessageToken: token, Sender: &u, Message: &m, Silent: &f}.Body()
}

// Text is a text message callback.
func Text(token int64, at time.Time, u User, text string) []byte {
	return MessageEvent(token, at, u, Message{Type: "text", Text: text})
}

// ConversationStarted is the callback of u opening the chat, with the
// deep link's context ("" for none).
func ConversationStarted(token int64, at time.Time, u User, ref string) []byte {
	f := false
	return Event{Event: viber.EventConversationStarted, Timestamp: at.UnixMilli(), MessageToken: token,
		Type: "open", Context: ref, User: &u, Subscribed: &f}.Body()
}

// Subscribed is the callback of u subscribing.
func Subscribed(token int64, at time.Time, u User) []byte {
	return Event{Event: viber.EventSubscribed, Timestamp: at.UnixMilli(), ChatHostname: "SN-149_", User: &u, MessageToken: token}.Body()
}

// Receipt is an unsubscribed, delivered, seen or failed callback.
func Receipt(event string, token int64, at time.Time, userID string) []byte {
	return Event{Event: event, Timestamp: at.UnixMilli(), MessageToken: token, UserID: userID}.Body()
}

// Post delivers a callback body to url signed with the bot's auth token.
func Post(ctx context.Context, hc *http.Client, url, authToken string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(viber.SignatureHeader, viber.Sign(body, authToken))
	return hc.Do(req)
}

// SignedHeader returns the headers Viber sends a callback with.
func SignedHeader(body []byte, authToken string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(viber.SignatureHeader, viber.Sign(body, authToken))
	return h
}
