package vonage

import (
	"strings"

	"github.com/parleycc/parley"
)

// legacyText explains why a v0.1 callback is ignored.
const legacyText = "legacy v0.1 webhook: set the application's Messages webhook version to v1"

// Decode turns one stored callback into what happened: an inbound message,
// or a receipt keyed by message_uuid. rejected and undeliverable statuses
// are InIgnored with the reason in Text (and the message in Receipt);
// unknown kinds are InIgnored, never an error.
func (c *Channel) Decode(acct *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	if ev == nil {
		return nil, parley.Errorf(parley.EINVALID, "vonage: no event")
	}
	cb, err := parseCallback(ev.Payload)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "vonage: %v", err)
	}
	in := &parley.Incoming{Kind: parley.InIgnored, MessageID: cb.MessageUUID, At: parseTime(cb.Timestamp)}
	switch {
	case cb.legacy():
		in.Text = legacyText
	case cb.isStatus():
		decodeStatus(cb, in)
	default:
		decodeInbound(cb, in)
	}
	return in, nil
}

// decodeStatus fills in a status callback; the customer is its "to".
func decodeStatus(cb *callback, in *parley.Incoming) {
	in.CustomerID = cb.to()
	in.Receipt = &parley.InboundReceipt{MessageIDs: []string{cb.MessageUUID}}
	switch cb.Status {
	case StatusDelivered:
		in.Kind = parley.InDelivered
	case StatusRead:
		in.Kind = parley.InRead
	case StatusRejected, StatusUndeliverable:
		in.Text = cb.Status + failureReason(cb.Error)
	default:
		in.Text = cb.Status
	}
}

func failureReason(p *Problem) string {
	if p == nil {
		return ""
	}
	parts := []string{}
	for _, s := range []string{p.Title, p.Detail, p.Type} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ": ")
}

// decodeInbound fills in a customer's message; the customer is its "from".
func decodeInbound(cb *callback, in *parley.Incoming) {
	in.CustomerID = cb.from()
	if cb.Profile != nil && cb.Profile.Name != "" {
		in.Profile = &parley.Profile{FirstName: cb.Profile.Name}
	}
	in.Kind = parley.InMessage
	switch cb.MessageType {
	case "text":
		in.Text = cb.Text
	case "image", "video", "audio", "file", "sticker":
		decodeMedia(cb, in)
	case "location":
		if cb.Location != nil {
			in.Location = &parley.InboundLocation{Lat: cb.Location.Lat, Long: cb.Location.Long, Title: locationTitle(cb.Location)}
		}
	case "reply":
		if cb.Reply != nil {
			in.QuickReply, in.Payload, in.Text = true, cb.Reply.ID, cb.Reply.Title
		}
	case "button":
		if cb.Button != nil {
			in.QuickReply, in.Payload, in.Text = true, cb.Button.Payload, cb.Button.Text
		}
	default:
		in.Kind = parley.InIgnored
	}
}

// decodeMedia reads the content object named after the message type.
func decodeMedia(cb *callback, in *parley.Incoming) {
	m := map[string]*media{"image": cb.Image, "video": cb.Video, "audio": cb.Audio, "file": cb.File, "sticker": cb.Sticker}[cb.MessageType]
	if m == nil || m.URL == "" {
		in.Kind = parley.InIgnored
		return
	}
	in.Text = m.Caption
	in.Attachments = []parley.InboundAttachment{{Type: cb.MessageType, URL: m.URL, Name: m.Name}}
}

func locationTitle(g *geo) string {
	switch {
	case g.Name != "" && g.Address != "":
		return g.Name + ", " + g.Address
	case g.Name != "":
		return g.Name
	}
	return g.Address
}
