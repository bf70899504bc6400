package messenger

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SignatureHeader is the request header carrying the webhook signature.
const SignatureHeader = "X-Hub-Signature-256"

// MaxBodyBytes is the largest webhook body an HTTP handler should accept.
const MaxBodyBytes = 1 << 20

const sigPrefix = "sha256="

// Sign returns the X-Hub-Signature-256 header value for body: "sha256="
// followed by the lowercase hex HMAC-SHA256 of body keyed with appSecret.
func Sign(body []byte, appSecret string) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return sigPrefix + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is a valid X-Hub-Signature-256 value
// for the raw body and app secret. Missing or malformed headers and an empty
// secret never verify. The comparison is constant-time.
func VerifySignature(body []byte, header string, appSecret string) bool {
	if appSecret == "" || !strings.HasPrefix(header, sigPrefix) {
		return false
	}
	got, err := hex.DecodeString(header[len(sigPrefix):])
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// ParseWebhook parses a Page webhook body into normalized events. It fails
// only when the body is not JSON, does not have the envelope shape, or is not
// a "page" object; individual items it does not understand become
// KindUnknown events. Items that do not belong to the entry's Page or carry
// ids that are not numeric are dropped (see belongs), as are fallback and
// ig_reel attachments without an http(s) URL. Events of each entry are
// sorted by timestamp.
func ParseWebhook(body []byte) (*Batch, error) {
	var env wireEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("messenger: parse webhook: malformed body: %w", err)
	}
	if env.Object != "page" {
		return nil, fmt.Errorf("messenger: parse webhook: object is %q, want \"page\"", env.Object)
	}
	b := &Batch{Entries: make([]Entry, 0, len(env.Entry))}
	for _, we := range env.Entry {
		e := Entry{PageID: clean(string(we.ID)), Time: msTime(we.Time)}
		e.Events = make([]Event, 0, len(we.Messaging)+len(we.Standby))
		for _, raw := range we.Messaging {
			if ev, ok := parseItem(e.PageID, raw, false); ok {
				e.Events = append(e.Events, ev)
			}
		}
		for _, raw := range we.Standby {
			if ev, ok := parseItem(e.PageID, raw, true); ok {
				e.Events = append(e.Events, ev)
			}
		}
		slices.SortStableFunc(e.Events, func(a, b Event) int {
			return a.Timestamp.Compare(b.Timestamp)
		})
		b.Entries = append(b.Entries, e)
	}
	return b, nil
}

// parseItem normalizes one messaging item. An item whose shape is
// unexpected is reported as KindUnknown with its raw JSON; ok is false for
// an item to drop: one that does not belong to the entry's Page, or a
// message left without content once its unsafe attachments are dropped.
func parseItem(pageID string, raw json.RawMessage, standby bool) (ev Event, ok bool) {
	ev = Event{Kind: KindUnknown, PageID: pageID, IsStandby: standby, Raw: raw}
	var it wireItem
	if err := json.Unmarshal(raw, &it); err != nil {
		return ev, true
	}
	var sender, recipient string
	if it.Sender != nil {
		sender = clean(string(it.Sender.ID))
	}
	if it.Recipient != nil {
		recipient = clean(string(it.Recipient.ID))
	}
	if !belongs(pageID, sender, recipient, it.Message != nil && it.Message.IsEcho) {
		return ev, false
	}
	if ev.PageID == "" {
		ev.PageID = recipient
	}
	ev.SenderID = sender
	ev.Timestamp = msTime(it.Timestamp)

	switch {
	case it.Message != nil:
		m := it.Message
		ev.Kind = KindMessage
		if m.IsEcho {
			ev.Kind = KindEcho
			if pageID == "" {
				ev.PageID = sender
			}
		}
		ev.MID = string(m.MID)
		ev.Text = m.Text
		ev.AppID = int64(m.AppID)
		ev.Metadata = m.Metadata
		if m.QuickReply != nil {
			ev.QuickReplyPayload = m.QuickReply.Payload
		}
		if m.ReplyTo != nil {
			ev.ReplyToMID = string(m.ReplyTo.MID)
		}
		var unsafe bool
		ev.Attachments, unsafe = attachments(m.Attachments)
		ev.StickerID = int64(m.StickerID)
		if ev.StickerID == 0 {
			for _, a := range ev.Attachments {
				if a.StickerID != 0 {
					ev.StickerID = a.StickerID
					break
				}
			}
		}
		ev.Referral = referral(m.Referral)
		if ev.Referral == nil {
			ev.Referral = referral(it.Referral)
		}
		if unsafe && ev.Text == "" && len(ev.Attachments) == 0 && ev.StickerID == 0 {
			return ev, false
		}
	case it.Postback != nil:
		p := it.Postback
		ev.Kind = KindPostback
		ev.MID = string(p.MID)
		ev.Postback = &Postback{Title: p.Title, Payload: p.Payload, Referral: referral(p.Referral)}
		ev.Referral = ev.Postback.Referral
	case it.Optin != nil:
		o := it.Optin
		ev.Kind = KindOptin
		ev.Optin = &Optin{
			Ref: o.Ref, UserRef: string(o.UserRef), Type: o.Type, Payload: o.Payload,
			NotificationToken: string(o.NotificationToken), NotificationStatus: o.NotificationStatus,
		}
		if ev.Optin.UserRef == "" && it.Sender != nil {
			ev.Optin.UserRef = string(it.Sender.UserRef)
		}
	case it.Referral != nil:
		ev.Kind = KindReferral
		ev.Referral = referral(it.Referral)
	case it.Delivery != nil:
		ev.Kind = KindDelivery
		ev.Delivery = watermark(it.Delivery)
	case it.Read != nil:
		ev.Kind = KindRead
		ev.Read = watermark(it.Read)
	case it.Reaction != nil:
		r := it.Reaction
		ev.Kind = KindReaction
		ev.Reaction = &Reaction{Reaction: r.Reaction, Emoji: r.Emoji, Action: r.Action, MID: string(r.MID)}
	}
	ev.PSID = customer(ev.PageID, sender, recipient, ev.Kind == KindEcho)
	cleanEvent(&ev)
	return ev, true
}

// belongs reports whether an item's ids fit the entry it came in: sender
// and recipient, when present, are numeric ids, and the Page of the entry
// is the recipient of an inbound item or the sender of an echo. Without an
// entry id only the ids' form is checked.
func belongs(pageID, sender, recipient string, echo bool) bool {
	if !numericID(sender) || !numericID(recipient) {
		return false
	}
	switch {
	case pageID == "":
		return true
	case echo:
		return sender == "" || sender == pageID
	default:
		return recipient == "" || recipient == pageID
	}
}

// numericID reports whether id is empty or a Graph id: decimal digits only.
func numericID(id string) bool {
	for _, c := range []byte(id) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// linkTypes are the attachment types that are only a link; their URL is
// kept only when it is an http(s) URL.
var linkTypes = map[string]bool{"fallback": true, "ig_reel": true}

// webURL reports whether u is an absolute http or https URL with a host.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// customer picks the customer's PSID out of sender and recipient: the
// recipient for echoes (and anything the Page itself sent), otherwise the
// sender. Ids equal to the Page are never returned.
func customer(pageID, sender, recipient string, echo bool) string {
	if echo || (sender != "" && sender == pageID) {
		if recipient != pageID {
			return recipient
		}
		return ""
	}
	if sender == pageID {
		return ""
	}
	return sender
}

// attachments normalizes a message's attachments. Link attachments
// (fallback, ig_reel) without an http(s) URL are dropped; dropped reports
// whether any was.
func attachments(in []wireAttachment) (out []Attachment, dropped bool) {
	if len(in) == 0 {
		return nil, false
	}
	out = make([]Attachment, 0, len(in))
	stickers := map[int64]bool{}
	for _, w := range in {
		a := Attachment{Type: w.Type, URL: w.URL, Title: w.Title}
		if p := w.Payload; p != nil {
			if p.URL != "" {
				a.URL = p.URL
			}
			if p.Title != "" {
				a.Title = p.Title
			}
			a.StickerID = int64(p.StickerID)
			if p.Coordinates != nil {
				a.Lat, a.Long = p.Coordinates.Lat, p.Coordinates.Long
			}
		}
		if linkTypes[a.Type] && !webURL(a.URL) {
			dropped = true
			continue
		}
		if a.Type == "sticker" && a.StickerID != 0 {
			stickers[a.StickerID] = true
		}
		out = append(out, a)
	}
	// During the sticker transition the same sticker arrives both as an
	// image and as a sticker attachment; keep only the sticker one.
	if len(stickers) > 0 {
		out = slices.DeleteFunc(out, func(a Attachment) bool {
			return a.Type == "image" && stickers[a.StickerID]
		})
	}
	if len(out) == 0 {
		out = nil
	}
	return out, dropped
}

func referral(w *wireReferral) *Referral {
	if w == nil {
		return nil
	}
	return &Referral{Ref: w.Ref, Source: w.Source, Type: w.Type, AdID: string(w.AdID)}
}

func watermark(w *wireMark) *Watermark {
	out := &Watermark{Watermark: msTime(w.Watermark)}
	for _, m := range w.MIDs {
		out.MIDs = append(out.MIDs, string(m))
	}
	return out
}
