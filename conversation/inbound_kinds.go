package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// Payload shapes of the Messenger message kinds (parley.Kind*), read by the
// desktop's messages-ui.js.

// AttachmentJSON is one attachment of a KindAttachment message. URL is our
// own copy (/files/ID) when the copy succeeded, else the platform's URL.
type AttachmentJSON struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	FileID      string `json:"file_id,omitempty"`
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	SourceURL   string `json:"source_url,omitempty"`
	CopyError   string `json:"copy_error,omitempty"`
}

// LocationJSON is the payload of a KindLocation message.
type LocationJSON struct {
	Lat   float64 `json:"lat"`
	Long  float64 `json:"long"`
	Title string  `json:"title,omitempty"`
	URL   string  `json:"url"`
}

// MapURL links coordinates to a map.
func MapURL(lat, long float64) string {
	return "https://www.openstreetmap.org/?mlat=" + strconv.FormatFloat(lat, 'f', 6, 64) +
		"&mlon=" + strconv.FormatFloat(long, 'f', 6, 64) + "#map=16/" +
		strconv.FormatFloat(lat, 'f', 6, 64) + "/" + strconv.FormatFloat(long, 'f', 6, 64)
}

// inboundMessage turns a customer's message or postback into a transcript
// message, copying attachments into our file store.
func (s *Service) inboundMessage(ctx context.Context, acct *parley.Account, ev messenger.Event) *parley.Message {
	m := &parley.Message{Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindText,
		Text: ev.Text, ExternalID: ev.MID, Status: parley.MsgReceived, PlatformTime: ev.Timestamp}
	switch {
	case ev.Kind == messenger.KindPostback && ev.Postback != nil:
		m.Kind, m.Text, m.Payload = parley.KindPostback, ev.Postback.Title, ev.Postback.Payload
		if m.Text == "" {
			m.Text = ev.Postback.Payload
		}
	case ev.QuickReplyPayload != "":
		m.Kind, m.Payload = parley.KindQuickReply, ev.QuickReplyPayload
	case ev.StickerID != 0:
		like := ev.StickerID == messenger.LikeStickerID
		m.Kind, m.Payload = parley.KindSticker, string(mustJSON(map[string]any{"sticker_id": strconv.FormatInt(ev.StickerID, 10), "like": like}))
		if m.Text == "" {
			m.Text = "[sticker]"
			if like {
				m.Text = "👍"
			}
		}
	case len(ev.Attachments) > 0 && ev.Attachments[0].Type == "location":
		a := ev.Attachments[0]
		loc := LocationJSON{Lat: a.Lat, Long: a.Long, Title: a.Title, URL: MapURL(a.Lat, a.Long)}
		m.Kind, m.Payload = parley.KindLocation, string(mustJSON(loc))
		if m.Text == "" {
			m.Text = fmt.Sprintf("Location %.5f, %.5f", a.Lat, a.Long)
			if a.Title != "" {
				m.Text = a.Title
			}
		}
	case len(ev.Attachments) > 0:
		atts := make([]AttachmentJSON, 0, len(ev.Attachments))
		var names []string
		for _, a := range ev.Attachments {
			aj := s.copyAttachment(ctx, acct, a)
			atts = append(atts, aj)
			names = append(names, aj.Type)
		}
		m.Kind, m.Payload = parley.KindAttachment, string(mustJSON(map[string]any{"attachments": atts}))
		if m.Text == "" {
			m.Text = "[" + strings.Join(names, ", ") + "]"
		}
	}
	return m
}
