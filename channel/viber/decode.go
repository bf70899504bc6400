package viber

import (
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Decode turns one stored callback into what happened. Unknown events and
// message types decode as InIgnored, never as an error; only a payload
// that is not a Viber callback at all is EINVALID.
func (c *Channel) Decode(acct *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	if ev == nil {
		return nil, parley.Errorf(parley.EINVALID, "viber: no event")
	}
	e, err := parseEvent(ev.Payload)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "viber: %v", err)
	}
	in := &parley.Incoming{
		Kind:       parley.InIgnored,
		CustomerID: e.userID(),
		At:         at(e),
	}
	in.MessageID, _ = e.token()
	switch e.Event {
	case EventMessage:
		decodeMessage(e, in)
	case EventSubscribed:
		in.Kind = parley.InEntry
		in.Entry = &parley.InboundEntry{Kind: "follow", Text: "subscribed"}
		in.Profile = profileOf(e.User)
	case EventConversationStarted:
		in.Kind = parley.InEntry
		in.Entry = &parley.InboundEntry{Kind: "started", Ref: e.Context, Type: e.Type, Text: "conversation started"}
		in.Profile = profileOf(e.User)
	case EventUnsubscribed:
		in.Kind = parley.InLeft
	case EventDelivered, EventSeen:
		in.Kind = parley.InDelivered
		if e.Event == EventSeen {
			in.Kind = parley.InRead
		}
		if in.MessageID != "" {
			in.Receipt = &parley.InboundReceipt{MessageIDs: []string{in.MessageID}}
		}
	case EventFailed:
		in.Text = e.Desc
	}
	return in, nil
}

// decodeMessage fills in a "message" callback.
func decodeMessage(e *event, in *parley.Incoming) {
	in.Profile = profileOf(e.Sender)
	m := e.Message
	if m == nil {
		return
	}
	in.Kind = parley.InMessage
	switch m.Type {
	case "text":
		decodeText(m.Text, in)
	case "picture", "video", "file":
		in.Text = m.Text
		in.Attachments = []parley.InboundAttachment{{Type: attachmentType(m.Type), URL: m.Media, Name: m.FileName}}
	case "sticker":
		in.Sticker = &parley.InboundSticker{ID: m.StickerID.String()}
		if m.Media != "" {
			in.Attachments = []parley.InboundAttachment{{Type: "sticker", URL: m.Media}}
		}
	case "location":
		if m.Location != nil {
			in.Location = &parley.InboundLocation{Lat: m.Location.Lat, Long: m.Location.Lon}
		}
	case "contact":
		in.Text = contactText(m.Contact)
	case "url":
		in.Text = m.Media
	default:
		in.Kind = parley.InIgnored
	}
}

// decodeText recognises our keyboard payloads (see the package comment).
func decodeText(text string, in *parley.Incoming) {
	switch {
	case strings.HasPrefix(text, PostbackPrefix):
		in.Kind = parley.InPostback
		in.Payload = text[len(PostbackPrefix):]
		in.Text = in.Payload
	case strings.HasPrefix(text, QuickReplyPrefix):
		in.QuickReply = true
		in.Payload = text[len(QuickReplyPrefix):]
		in.Text = in.Payload
	default:
		in.Text = text
	}
}

func attachmentType(viberType string) string {
	switch viberType {
	case "picture":
		return "image"
	case "video":
		return "video"
	}
	return "file"
}

func contactText(c *contact) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.Name + " " + c.PhoneNumber)
}

// profileOf is the name and picture a callback carries (nil if none). The
// full name goes into FirstName: Viber does not split it.
func profileOf(u *user) *parley.Profile {
	if u == nil || (u.Name == "" && u.Avatar == "") {
		return nil
	}
	return &parley.Profile{FirstName: u.Name, PictureURL: u.Avatar}
}

// at is the callback's time (zero when absent).
func at(e *event) time.Time {
	ms := millis(e.Timestamp)
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
