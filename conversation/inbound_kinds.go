package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleycc/parley"
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
	// Copying: the copy into the file store is still to be made (an
	// event of its own, attachment_copies.go); URL is the platform's.
	Copying bool `json:"copying,omitempty"`
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
func (s *Service) inboundMessage(ctx context.Context, acct *parley.Account, ch parley.Channel, in *parley.Incoming) *parley.Message {
	m := &parley.Message{Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindText,
		Text: in.Text, ExternalID: in.MessageID, Status: parley.MsgReceived, PlatformTime: in.At}
	switch {
	case in.Kind == parley.InPostback:
		m.Kind, m.Payload = parley.KindPostback, in.Payload
		if m.Text == "" {
			m.Text = in.Payload
		}
	case in.QuickReply:
		m.Kind, m.Payload = parley.KindQuickReply, in.Payload
	case in.Sticker != nil:
		m.Kind, m.Payload = parley.KindSticker, string(mustJSON(map[string]any{"sticker_id": in.Sticker.ID, "like": in.Sticker.Like}))
		if m.Text == "" {
			m.Text = "[sticker]"
			if in.Sticker.Like {
				m.Text = "👍"
			}
		}
	case in.Location != nil:
		l := in.Location
		m.Kind, m.Payload = parley.KindLocation, string(mustJSON(LocationJSON{Lat: l.Lat, Long: l.Long, Title: l.Title, URL: MapURL(l.Lat, l.Long)}))
		if m.Text == "" {
			m.Text = fmt.Sprintf("Location %.5f, %.5f", l.Lat, l.Long)
			if l.Title != "" {
				m.Text = l.Title
			}
		}
	case len(in.Attachments) > 0:
		atts := make([]AttachmentJSON, 0, len(in.Attachments))
		var names []string
		for _, a := range in.Attachments {
			var aj AttachmentJSON
			switch {
			case !fetchable(a):
				aj = AttachmentJSON{Type: a.Type, URL: a.URL, SourceURL: a.URL, Name: a.Name}
			case in.MessageID != "":
				aj = AttachmentJSON{Type: a.Type, URL: a.URL, SourceURL: a.URL, Name: a.Name, Copying: true} // queueCopies
			default:
				aj = s.copyAttachment(ctx, acct, ch, a)
			}
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
