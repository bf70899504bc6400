package messenger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Wire shapes of the webhook payload. Only what the normalizer reads is
// declared; everything else survives in Event.Raw.

type wireEnvelope struct {
	Object string      `json:"object"`
	Entry  []wireEntry `json:"entry"`
}

type wireEntry struct {
	ID        flexString        `json:"id"`
	Time      flexInt           `json:"time"`
	Messaging []json.RawMessage `json:"messaging"`
	Standby   []json.RawMessage `json:"standby"`
}

type wireID struct {
	ID      flexString `json:"id"`
	UserRef flexString `json:"user_ref"`
}

type wireItem struct {
	Sender    *wireID       `json:"sender"`
	Recipient *wireID       `json:"recipient"`
	Timestamp flexInt       `json:"timestamp"`
	Message   *wireMessage  `json:"message"`
	Postback  *wirePostback `json:"postback"`
	Optin     *wireOptin    `json:"optin"`
	Referral  *wireReferral `json:"referral"`
	Delivery  *wireMark     `json:"delivery"`
	Read      *wireMark     `json:"read"`
	Reaction  *wireReaction `json:"reaction"`
}

type wireMessage struct {
	MID        flexString `json:"mid"`
	Text       string     `json:"text"`
	IsEcho     bool       `json:"is_echo"`
	AppID      flexInt    `json:"app_id"`
	Metadata   string     `json:"metadata"`
	StickerID  flexInt    `json:"sticker_id"`
	QuickReply *struct {
		Payload string `json:"payload"`
	} `json:"quick_reply"`
	ReplyTo *struct {
		MID flexString `json:"mid"`
	} `json:"reply_to"`
	Attachments []wireAttachment `json:"attachments"`
	Referral    *wireReferral    `json:"referral"`
}

type wireAttachment struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Payload *struct {
		URL         string  `json:"url"`
		Title       string  `json:"title"`
		StickerID   flexInt `json:"sticker_id"`
		Coordinates *struct {
			Lat  float64 `json:"lat"`
			Long float64 `json:"long"`
		} `json:"coordinates"`
	} `json:"payload"`
}

type wirePostback struct {
	MID      flexString    `json:"mid"`
	Title    string        `json:"title"`
	Payload  string        `json:"payload"`
	Referral *wireReferral `json:"referral"`
}

type wireOptin struct {
	Ref                string     `json:"ref"`
	UserRef            flexString `json:"user_ref"`
	Type               string     `json:"type"`
	Payload            string     `json:"payload"`
	NotificationToken  flexString `json:"notification_messages_token"`
	NotificationStatus string     `json:"notification_messages_status"`
}

type wireReferral struct {
	Ref    string     `json:"ref"`
	Source string     `json:"source"`
	Type   string     `json:"type"`
	AdID   flexString `json:"ad_id"`
}

type wireMark struct {
	MIDs      []flexString `json:"mids"`
	Watermark flexInt      `json:"watermark"`
}

type wireReaction struct {
	Reaction string     `json:"reaction"`
	Emoji    string     `json:"emoji"`
	Action   string     `json:"action"`
	MID      flexString `json:"mid"`
}

// flexString accepts a JSON string or number (ids are documented as strings,
// but some samples and older payloads use numbers).
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want string or number, got %.20s", b)
		}
		*s = flexString(n)
		return nil
	}
}

// flexInt accepts a JSON number or a numeric string (timestamps and ids are
// sometimes quoted in samples).
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	var num json.Number
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		num = json.Number(s)
	} else if err := json.Unmarshal(b, &num); err != nil {
		return fmt.Errorf("want number, got %.20s", b)
	}
	if i, err := num.Int64(); err == nil {
		*n = flexInt(i)
		return nil
	}
	f, err := num.Float64()
	if err != nil || math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return fmt.Errorf("invalid integer %.20q", string(num))
	}
	*n = flexInt(f)
	return nil
}

// secondsBelow is the boundary between the two units a timestamp may come
// in: values below it (before 2001-09-09 in milliseconds, after year 33658
// in seconds) are epoch seconds, the others epoch milliseconds.
const secondsBelow = 1e12

// msTime converts an epoch timestamp to UTC time; zero stays the zero time.
// Facebook documents milliseconds, but some senders (and older payloads)
// use seconds: a value below 1e12 is read as seconds.
func msTime(v flexInt) time.Time {
	switch {
	case v == 0:
		return time.Time{}
	case v < secondsBelow:
		return time.Unix(int64(v), 0).UTC()
	}
	return time.UnixMilli(int64(v)).UTC()
}
