package vonage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Message statuses of status callbacks.
const (
	StatusSubmitted     = "submitted"
	StatusDelivered     = "delivered"
	StatusRead          = "read"
	StatusRejected      = "rejected"
	StatusUndeliverable = "undeliverable"
)

// callback is an inbound message or a status callback (v1 shape). to and
// from stay raw: they are objects in the legacy v0.1 shape.
type callback struct {
	Channel     string          `json:"channel"`
	MessageUUID string          `json:"message_uuid"`
	To          json.RawMessage `json:"to"`
	From        json.RawMessage `json:"from"`
	Timestamp   string          `json:"timestamp"`
	MessageType string          `json:"message_type"`
	Text        string          `json:"text"`
	Image       *media          `json:"image"`
	Video       *media          `json:"video"`
	Audio       *media          `json:"audio"`
	File        *media          `json:"file"`
	Sticker     *media          `json:"sticker"`
	Location    *geo            `json:"location"`
	Reply       *reply          `json:"reply"`
	Button      *templateButton `json:"button"`
	Profile     *struct {
		Name string `json:"name"`
	} `json:"profile"`
	ClientRef string   `json:"client_ref"`
	Status    string   `json:"status"`
	Error     *Problem `json:"error"`
}

type media struct {
	URL     string `json:"url"`
	Name    string `json:"name"`
	Caption string `json:"caption"`
}

type geo struct {
	Lat     float64 `json:"lat"`
	Long    float64 `json:"long"`
	Name    string  `json:"name"`
	Address string  `json:"address"`
}

// reply is a WhatsApp interactive reply (button or list).
type reply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// templateButton is a WhatsApp template quick-reply button tap.
type templateButton struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

// parseCallback decodes one callback body.
func parseCallback(body []byte) (*callback, error) {
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, fmt.Errorf("decode callback: %w", err)
	}
	if cb.MessageUUID == "" {
		return nil, fmt.Errorf("decode callback: no message_uuid")
	}
	return &cb, nil
}

// isStatus reports whether the callback is a status callback.
func (cb *callback) isStatus() bool { return cb.Status != "" }

// legacy reports the v0.1 shape (to and from are objects).
func (cb *callback) legacy() bool {
	return len(cb.To) > 0 && cb.To[0] == '{' || len(cb.From) > 0 && cb.From[0] == '{'
}

// to and from read the v1 string ids ("" otherwise).
func (cb *callback) to() string   { return rawString(cb.To) }
func (cb *callback) from() string { return rawString(cb.From) }

func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// timestampLayouts are the forms Vonage timestamps come in.
func timestampLayouts() []string {
	return []string{time.RFC3339Nano, "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05.000 MST", "2006-01-02T15:04:05"}
}

// parseTime reads an ISO-8601 timestamp (zero when unreadable).
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range timestampLayouts() {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
