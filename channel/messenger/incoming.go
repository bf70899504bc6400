package messenger

import (
	"strconv"
	"strings"

	"github.com/parleycc/parley"
)

// incoming maps a parsed Messenger event onto Parley's inbound model.
func incoming(ev Event) *parley.Incoming {
	in := &parley.Incoming{Kind: parley.InIgnored, CustomerID: ev.PSID, MessageID: ev.MID, At: ev.Timestamp}
	if ev.IsStandby {
		return in // another app owns the thread; kept in the inbound log
	}
	switch ev.Kind {
	case KindMessage:
		in.Kind = parley.InMessage
		messageContent(in, ev)
	case KindPostback:
		in.Kind = parley.InMessage
		if ev.Postback != nil {
			in.Kind, in.Text, in.Payload = parley.InPostback, ev.Postback.Title, ev.Postback.Payload
		}
	case KindOptin, KindReferral:
		in.Kind, in.Entry = parley.InEntry, entry(ev)
		if in.Entry == nil {
			in.Kind = parley.InIgnored
		}
	case KindDelivery:
		in.Kind, in.Receipt = parley.InDelivered, receipt(ev.Delivery)
	case KindRead:
		in.Kind, in.Receipt = parley.InRead, receipt(ev.Read)
	case KindEcho:
		// Echoes of our own sends are already in the transcript.
		if !strings.HasPrefix(ev.Metadata, metadataPrefix) {
			in.Kind, in.Metadata = parley.InEcho, ev.Metadata
			messageContent(in, ev)
		}
	}
	return in
}

// messageContent fills text, quick reply, sticker, location or
// attachments.
func messageContent(in *parley.Incoming, ev Event) {
	in.Text = ev.Text
	switch {
	case ev.QuickReplyPayload != "":
		in.QuickReply, in.Payload = true, ev.QuickReplyPayload
	case ev.StickerID != 0:
		in.Sticker = &parley.InboundSticker{ID: strconv.FormatInt(ev.StickerID, 10), Like: ev.StickerID == LikeStickerID}
	case len(ev.Attachments) > 0 && ev.Attachments[0].Type == "location":
		a := ev.Attachments[0]
		in.Location = &parley.InboundLocation{Lat: a.Lat, Long: a.Long, Title: a.Title}
	default:
		for _, a := range ev.Attachments {
			in.Attachments = append(in.Attachments, parley.InboundAttachment{Type: a.Type, URL: a.URL, Name: a.Title})
		}
	}
}

// entry describes an opt-in (Send to Messenger) or a referral (m.me link,
// ad). A checkbox opt-in (user_ref only) has nobody to chat with yet.
func entry(ev Event) *parley.InboundEntry {
	switch {
	case ev.PSID == "":
		return nil
	case ev.Optin != nil:
		e := &parley.InboundEntry{Kind: "optin", Ref: ev.Optin.Ref, Source: "OPTIN", Type: ev.Optin.Type, Text: "Opted in via Send to Messenger"}
		return withRef(e)
	case ev.Referral != nil:
		r := ev.Referral
		e := &parley.InboundEntry{Kind: "referral", Ref: r.Ref, Source: r.Source, Type: r.Type, AdID: r.AdID, Text: "Arrived via " + referralSource(r.Source)}
		return withRef(e)
	}
	return nil
}

func withRef(e *parley.InboundEntry) *parley.InboundEntry {
	if e.Ref != "" {
		e.Text += " (ref " + e.Ref + ")"
	}
	return e
}

func referralSource(src string) string {
	switch src {
	case "SHORTLINK":
		return "an m.me link"
	case "ADS":
		return "an ad"
	case "MESSENGER_CODE", "QR_CODE":
		return "a Messenger code"
	case "OPTIN":
		return "an opt-in"
	case "":
		return "a referral"
	}
	return strings.ToLower(src)
}

func receipt(w *Watermark) *parley.InboundReceipt {
	if w == nil {
		return nil
	}
	return &parley.InboundReceipt{MessageIDs: w.MIDs, Watermark: w.Watermark}
}
