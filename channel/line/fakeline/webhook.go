package fakeline

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// SignatureHeader is the header LINE signs webhook bodies in.
const SignatureHeader = "X-Line-Signature"

// Sign returns the x-line-signature of body: standard base64 of the
// HMAC-SHA256 of the raw body keyed with the channel secret.
func Sign(body []byte, channelSecret string) string {
	m := hmac.New(sha256.New, []byte(channelSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Event is one webhook event object.
type Event = map[string]any

// Envelope encodes a webhook batch for the bot destination (its user id).
// No events is LINE's verification request.
func Envelope(destination string, events ...Event) []byte {
	if events == nil {
		events = []Event{}
	}
	b, err := json.Marshal(map[string]any{"destination": destination, "events": events})
	if err != nil {
		return nil
	}
	return b
}

// base is the common part of an event from userID; replyable events get a
// fresh reply token that the fake's reply endpoint accepts once.
func (s *Server) base(typ, userID string, at time.Time, replyable bool) Event {
	ev := Event{
		"type": typ, "mode": "active", "timestamp": at.UnixMilli(),
		"source":          map[string]any{"type": "user", "userId": userID},
		"webhookEventId":  fmt.Sprintf("01HFAKE%019d", s.next()),
		"deliveryContext": map[string]any{"isRedelivery": false},
	}
	if replyable {
		ev["replyToken"] = s.IssueReplyToken()
	}
	return ev
}

// messageID is a fresh numeric message id.
func (s *Server) messageID() string { return strconv.FormatInt(468789577898262000+s.next(), 10) }

// TextEvent is a text message event.
func (s *Server) TextEvent(userID, text string, at time.Time) Event {
	ev := s.base("message", userID, at, true)
	id := s.messageID()
	ev["message"] = map[string]any{"type": "text", "id": id, "quoteToken": "q" + id, "text": text}
	return ev
}

// ImageEvent is an image message event whose content the fake serves.
func (s *Server) ImageEvent(userID string, contentType string, data []byte, at time.Time) Event {
	ev := s.base("message", userID, at, true)
	id := s.messageID()
	s.AddContent(id, contentType, data)
	ev["message"] = map[string]any{"type": "image", "id": id, "quoteToken": "q" + id, "contentProvider": map[string]any{"type": "line"}}
	return ev
}

// PostbackEvent is a postback event with data.
func (s *Server) PostbackEvent(userID, data string, at time.Time) Event {
	ev := s.base("postback", userID, at, true)
	ev["postback"] = map[string]any{"data": data, "params": map[string]any{}}
	return ev
}

// FollowEvent is a follow (friend added, or unblocked) event.
func (s *Server) FollowEvent(userID string, unblocked bool, at time.Time) Event {
	ev := s.base("follow", userID, at, true)
	ev["follow"] = map[string]any{"isUnblocked": unblocked}
	return ev
}

// UnfollowEvent is an unfollow (blocked) event; it has no reply token.
func (s *Server) UnfollowEvent(userID string, at time.Time) Event {
	return s.base("unfollow", userID, at, false)
}

// NewWebhookRequest is the POST LINE makes to a webhook: body signed with
// the channel secret in x-line-signature.
func NewWebhookRequest(ctx context.Context, url, channelSecret string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(SignatureHeader, Sign(body, channelSecret))
	return req, nil
}

// Deliver posts a signed batch of events for the bot of token to its
// webhook endpoint and returns the webhook's HTTP status.
func (s *Server) Deliver(ctx context.Context, hc *http.Client, token string, events ...Event) (int, error) {
	s.mu.Lock()
	var endpoint, secret, dest string
	if b := s.bots[token]; b != nil {
		endpoint, secret, dest = b.endpoint, b.Secret, b.UserID
	}
	s.mu.Unlock()
	if endpoint == "" {
		return 0, fmt.Errorf("fakeline: no webhook endpoint for the bot")
	}
	req, err := NewWebhookRequest(ctx, endpoint, secret, Envelope(dest, events...))
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
