package viber

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Viber callback event names.
const (
	EventWebhook             = "webhook"
	EventMessage             = "message"
	EventSubscribed          = "subscribed"
	EventUnsubscribed        = "unsubscribed"
	EventConversationStarted = "conversation_started"
	EventDelivered           = "delivered"
	EventSeen                = "seen"
	EventFailed              = "failed"
)

// event is one Viber callback. Numbers are json.Number so the 64-bit
// message_token never passes through float64.
type event struct {
	Event        string      `json:"event"`
	Timestamp    json.Number `json:"timestamp"`
	MessageToken json.Number `json:"message_token"`
	Sender       *user       `json:"sender"`
	User         *user       `json:"user"`
	UserID       string      `json:"user_id"`
	Message      *message    `json:"message"`
	Type         string      `json:"type"`
	Context      string      `json:"context"`
	Subscribed   bool        `json:"subscribed"`
	Desc         string      `json:"desc"`
}

// user is a Viber user object.
type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Avatar   string `json:"avatar"`
	Country  string `json:"country"`
	Language string `json:"language"`
}

// message is the message of a "message" callback.
type message struct {
	Type         string      `json:"type"`
	Text         string      `json:"text"`
	Media        string      `json:"media"`
	Thumbnail    string      `json:"thumbnail"`
	FileName     string      `json:"file_name"`
	Size         json.Number `json:"size"`
	StickerID    json.Number `json:"sticker_id"`
	Contact      *contact    `json:"contact"`
	Location     *location   `json:"location"`
	TrackingData string      `json:"tracking_data"`
}

type contact struct {
	Name        string `json:"name"`
	PhoneNumber string `json:"phone_number"`
	Avatar      string `json:"avatar"`
}

type location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// parseEvent decodes one callback body.
func parseEvent(body []byte) (*event, error) {
	var ev event
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("decode callback: %w", err)
	}
	if ev.Event == "" {
		return nil, fmt.Errorf("decode callback: no event")
	}
	return &ev, nil
}

// token returns the message_token as decimal text ("" when absent).
func (ev *event) token() (string, error) {
	if ev.MessageToken == "" {
		return "", nil
	}
	n, err := strconv.ParseInt(ev.MessageToken.String(), 10, 64)
	if err != nil {
		return "", fmt.Errorf("message_token %q is not an int64", ev.MessageToken.String())
	}
	return strconv.FormatInt(n, 10), nil
}

// userID is the customer the event is about.
func (ev *event) userID() string {
	switch {
	case ev.Sender != nil && ev.Sender.ID != "":
		return ev.Sender.ID
	case ev.User != nil && ev.User.ID != "":
		return ev.User.ID
	}
	return ev.UserID
}

// millis returns the epoch-milliseconds timestamp (0 when absent or bad).
func millis(n json.Number) int64 {
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0
	}
	return v
}
