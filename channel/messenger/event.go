package messenger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Kind identifies what a webhook messaging item is about.
type Kind string

// Event kinds. Anything the parser does not recognise is KindUnknown.
const (
	KindMessage  Kind = "message"  // a customer message (text, quick reply, attachments)
	KindEcho     Kind = "echo"     // a message sent by the Page (our app, another app or Page Inbox)
	KindPostback Kind = "postback" // a button tap, Get Started or persistent menu item
	KindOptin    Kind = "optin"    // plugin or marketing-messages opt-in
	KindReferral Kind = "referral" // m.me link, ad or QR code on an existing thread
	KindDelivery Kind = "delivery" // delivery receipt for Page messages
	KindRead     Kind = "read"     // read receipt for Page messages
	KindReaction Kind = "reaction" // emoji reaction added or removed
	KindUnknown  Kind = "unknown"  // anything else; see Event.Raw
)

// LikeStickerID is the sticker id of the thumbs-up "like" button.
const LikeStickerID = 369239263222822

// Batch is one parsed webhook delivery.
type Batch struct {
	Entries []Entry
}

// Events returns the events of every entry, in entry order.
func (b *Batch) Events() []Event {
	var out []Event
	for _, e := range b.Entries {
		out = append(out, e.Events...)
	}
	return out
}

// Entry groups the events of one Page in a delivery.
type Entry struct {
	PageID string
	Time   time.Time
	// Events holds the messaging and standby items, sorted by Timestamp.
	Events []Event
}

// Event is one normalized messaging (or standby) item.
type Event struct {
	Kind   Kind
	PageID string
	// SenderID is sender.id exactly as received; for echoes it is the Page.
	SenderID string
	// PSID is the customer's Page-scoped ID whatever the direction: the
	// sender for inbound events, the recipient for echoes. It is empty for
	// items without a customer (e.g. checkbox opt-ins, policy notices).
	PSID      string
	Timestamp time.Time
	// MID is the id of the message this event carries (messages, echoes,
	// postbacks that have one). Reactions keep the target's mid in Reaction.
	MID               string
	Text              string
	QuickReplyPayload string
	// ReplyToMID is set when the customer replied to a specific message.
	ReplyToMID  string
	Attachments []Attachment
	// StickerID is message.sticker_id, or the sticker_id of the first
	// attachment carrying one (369239263222822 is the thumbs-up "like").
	StickerID int64
	// Metadata is the developer metadata echoed back on echoes.
	Metadata string
	Postback *Postback
	Optin    *Optin
	// Referral is set for referral events and for messages or postbacks that
	// carry referral data (for postbacks it is the same value as
	// Postback.Referral).
	Referral *Referral
	Delivery *Watermark
	Read     *Watermark
	Reaction *Reaction
	// IsStandby reports the item came from entry.standby: another app owns
	// the thread, so it is informational only.
	IsStandby bool
	// AppID is the app that sent an echoed message (0 when absent).
	AppID int64
	// Raw is the exact JSON of the messaging item, for durable storage.
	Raw json.RawMessage
}

// Attachment is one inbound attachment.
type Attachment struct {
	// Type is image, video, audio, file, location, fallback, sticker,
	// template or any newer value sent by the platform.
	Type      string
	URL       string
	StickerID int64
	Lat, Long float64
	Title     string
}

// Postback is a button or Get Started tap.
type Postback struct {
	Title    string
	Payload  string
	Referral *Referral
}

// Optin is a plugin or marketing-messages opt-in.
type Optin struct {
	Ref string
	// UserRef is set by the checkbox plugin instead of a PSID.
	UserRef string
	// Type is e.g. "notification_messages" for marketing messages.
	Type    string
	Payload string
	// NotificationToken and NotificationStatus are set for marketing
	// messages opt-ins (status STOP_NOTIFICATIONS / RESUME_NOTIFICATIONS).
	NotificationToken  string
	NotificationStatus string
}

// Referral describes how the customer reached the thread.
type Referral struct {
	Ref    string
	Source string // SHORTLINK, ADS, ...
	Type   string // OPEN_THREAD, ...
	AdID   string
}

// Watermark is a delivery or read receipt: everything the Page sent up to
// Watermark has been delivered or read.
type Watermark struct {
	MIDs      []string
	Watermark time.Time
}

// Reaction is an emoji reaction to a message.
type Reaction struct {
	Reaction string // e.g. "love"
	Emoji    string
	Action   string // react or unreact
	MID      string // the message reacted to
}

// DedupKey returns a key that is equal for redeliveries of the same event.
// Messages, echoes and postbacks with a mid use the mid itself (so echoes can
// be matched against Send API message ids); other events get a key built from
// kind, page, customer, timestamp and the event's distinguishing fields.
func (e Event) DedupKey() string {
	switch e.Kind {
	case KindMessage, KindEcho, KindPostback:
		if e.MID != "" {
			return e.MID
		}
	}
	who := e.PSID
	if who == "" && e.Optin != nil {
		who = "ref:" + e.Optin.UserRef
	}
	parts := []string{string(e.Kind), e.PageID, who, ms(e.Timestamp)}
	switch {
	case e.Delivery != nil:
		parts = append(parts, ms(e.Delivery.Watermark))
	case e.Read != nil:
		parts = append(parts, ms(e.Read.Watermark))
	case e.Reaction != nil:
		parts = append(parts, strconv.Quote(e.Reaction.MID), e.Reaction.Action, strconv.Quote(e.Reaction.Reaction))
	case e.Optin != nil:
		parts = append(parts, strconv.Quote(e.Optin.Ref), strconv.Quote(e.Optin.Type), e.Optin.NotificationStatus)
	case e.Postback != nil:
		parts = append(parts, strconv.Quote(e.Postback.Payload))
	case e.Referral != nil:
		parts = append(parts, strconv.Quote(e.Referral.Ref))
	default:
		parts = append(parts, rawHash(e.Raw))
	}
	return strings.Join(parts, ":")
}

func ms(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// rawHash fingerprints the compacted JSON so whitespace differences between
// deliveries do not matter.
func rawHash(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:12])
}
