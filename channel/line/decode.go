package line

import (
	"encoding/json"
	"time"

	"github.com/parleycc/parley"
)

// replyTokenLife is how long a reply token is taken to be usable.
const replyTokenLife = time.Minute

// Decode turns one stored LINE event into what happened: messages of 1:1
// chats, postbacks, follow (InEntry "follow") and unfollow (InLeft).
// Standby-mode events, group and room sources and unknown types are
// InIgnored. A reply token (not of a redelivery) is kept until one minute
// after the event.
func (c *Channel) Decode(acct *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	if ev == nil {
		return nil, parley.Errorf(parley.EINVALID, "line: no event to decode")
	}
	var h eventHead
	if err := json.Unmarshal(ev.Payload, &h); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "line: stored event is not valid JSON")
	}
	in := &parley.Incoming{Kind: parley.InIgnored, CustomerID: h.Source.UserID, At: millis(h.Timestamp)}
	if h.Mode == "standby" || h.Source.Type != "user" || h.Source.UserID == "" {
		return in, nil
	}
	if err := decodeKind(in, &h, ev.Payload); err != nil {
		return nil, err
	}
	if h.ReplyToken != "" && !h.DeliveryContext.IsRedelivery && in.Kind != parley.InIgnored && in.Kind != parley.InLeft {
		in.ReplyToken, in.ReplyBefore = h.ReplyToken, in.At.Add(replyTokenLife)
	}
	return in, nil
}

// decodeKind fills in what the event type means.
func decodeKind(in *parley.Incoming, h *eventHead, raw []byte) error {
	switch h.Type {
	case "message":
		var m messageEvent
		if err := json.Unmarshal(raw, &m); err != nil {
			return parley.Errorf(parley.EINVALID, "line: malformed message event")
		}
		decodeMessage(in, &m)
	case "postback":
		var p postbackEvent
		if err := json.Unmarshal(raw, &p); err != nil {
			return parley.Errorf(parley.EINVALID, "line: malformed postback event")
		}
		in.Kind, in.MessageID, in.Payload = parley.InPostback, h.WebhookEventID, p.Postback.Data
		in.Text = pickedValue(p.Postback.Params)
	case "follow":
		var f followEvent
		if err := json.Unmarshal(raw, &f); err != nil {
			return parley.Errorf(parley.EINVALID, "line: malformed follow event")
		}
		in.Kind, in.MessageID = parley.InEntry, h.WebhookEventID
		in.Entry = &parley.InboundEntry{Kind: "follow", Text: "added the account as a friend"}
		if f.Follow.IsUnblocked {
			in.Entry.Text = "unblocked the account"
		}
	case "unfollow":
		in.Kind, in.MessageID = parley.InLeft, h.WebhookEventID
	}
	return nil
}

// decodeMessage decodes a message event's content; unknown message types
// stay InIgnored.
func decodeMessage(in *parley.Incoming, m *messageEvent) {
	msg := &m.Message
	in.Kind, in.MessageID = parley.InMessage, msg.ID
	switch msg.Type {
	case "text":
		in.Text = msg.Text
	case "image", "video", "audio", "file":
		a := parley.InboundAttachment{Type: msg.Type, Name: msg.FileName, MediaID: msg.ID}
		if msg.ContentProvider.Type == "external" {
			a.URL, a.MediaID = msg.ContentProvider.OriginalContentURL, ""
		}
		in.Attachments = []parley.InboundAttachment{a}
	case "location":
		title := msg.Title
		if title == "" {
			title = msg.Address
		}
		in.Location = &parley.InboundLocation{Lat: msg.Latitude, Long: msg.Longitude, Title: title}
	case "sticker":
		in.Sticker = &parley.InboundSticker{ID: msg.PackageID + "/" + msg.StickerID}
	default:
		in.Kind = parley.InIgnored
	}
}

// pickedValue is what a datetime picker postback carries, if anything.
func pickedValue(params map[string]string) string {
	for _, k := range []string{"datetime", "date", "time"} {
		if v := params[k]; v != "" {
			return v
		}
	}
	return ""
}

// millis converts LINE's epoch milliseconds to a UTC time (zero for 0).
func millis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
