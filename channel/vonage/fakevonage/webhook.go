package fakevonage

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/parleycc/parley/channel/vonage"
)

// Media is the content object of a media message.
type Media struct {
	URL     string `json:"url"`
	Name    string `json:"name,omitempty"`
	Caption string `json:"caption,omitempty"`
}

// Location is a shared location.
type Location struct {
	Lat  float64 `json:"lat"`
	Long float64 `json:"long"`
	Name string  `json:"name,omitempty"`
}

// Inbound is a v1 inbound message callback.
type Inbound struct {
	Channel     string    `json:"channel"`
	MessageUUID string    `json:"message_uuid"`
	To          string    `json:"to"`
	From        string    `json:"from"`
	Timestamp   string    `json:"timestamp"`
	MessageType string    `json:"message_type"`
	Text        string    `json:"text,omitempty"`
	Image       *Media    `json:"image,omitempty"`
	Video       *Media    `json:"video,omitempty"`
	Audio       *Media    `json:"audio,omitempty"`
	File        *Media    `json:"file,omitempty"`
	Location    *Location `json:"location,omitempty"`
}

// Body encodes the callback.
func (m Inbound) Body() []byte {
	b, _ := json.Marshal(m)
	return b
}

// Text is an inbound text message from a customer to the business.
func Text(channel, from, to, text string, at time.Time) []byte {
	return Inbound{Channel: channel, MessageUUID: newUUID(), From: from, To: to, Timestamp: Timestamp(at),
		MessageType: "text", Text: text}.Body()
}

// Status is a v1 status callback.
type Status struct {
	MessageUUID string          `json:"message_uuid"`
	To          string          `json:"to"`
	From        string          `json:"from"`
	Timestamp   string          `json:"timestamp"`
	Status      string          `json:"status"`
	Channel     string          `json:"channel"`
	ClientRef   string          `json:"client_ref,omitempty"`
	Error       *vonage.Problem `json:"error,omitempty"`
}

// Body encodes the callback.
func (s Status) Body() []byte {
	b, _ := json.Marshal(s)
	return b
}

// Timestamp renders t like Vonage ("2025-01-01T14:00:00.000Z").
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// SignedHeader returns the headers Vonage sends a callback with: a Bearer
// HS256 JWT under the signature secret carrying the body's payload_hash.
func SignedHeader(body []byte, signatureSecret, apiKey string, now time.Time) (http.Header, error) {
	tok, err := vonage.SignWebhook(body, signatureSecret, apiKey, now)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Bearer "+tok)
	return h, nil
}

// Post delivers a signed callback body to url.
func Post(ctx context.Context, hc *http.Client, url string, body []byte, signatureSecret, apiKey string) (*http.Response, error) {
	h, err := SignedHeader(body, signatureSecret, apiKey, time.Now())
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = h
	return hc.Do(req)
}
