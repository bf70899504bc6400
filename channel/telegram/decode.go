package telegram

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/internal/utf16text"
)

// Decode turns one stored Update into what happened. Messages of private
// chats become InMessage (or InEntry for /start), callback queries
// InPostback, a block InLeft and an unblock InEntry "follow"; anything
// else, including group chats, is InIgnored.
func (c *Channel) Decode(acct *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	if ev == nil {
		return nil, parley.Errorf(parley.EINVALID, "telegram: no event to decode")
	}
	var u update
	if err := json.Unmarshal(ev.Payload, &u); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "telegram: stored update is not valid JSON")
	}
	switch {
	case u.Message != nil:
		return decodeMessage(u.Message, false), nil
	case u.EditedMessage != nil:
		return decodeMessage(u.EditedMessage, true), nil
	case u.CallbackQuery != nil:
		return decodeCallback(u.CallbackQuery, ev.ReceivedAt), nil
	case u.MyChatMember != nil:
		return decodeMember(u.MyChatMember), nil
	}
	return &parley.Incoming{Kind: parley.InIgnored, At: ev.ReceivedAt}, nil
}

// decodeMessage decodes a message of a private chat. An edit gets its own
// MessageID (suffix ":edit:<edit_date>") so it is not taken for the
// original.
func decodeMessage(m *message, edited bool) *parley.Incoming {
	in := &parley.Incoming{Kind: parley.InMessage, At: unix(m.Date)}
	if m.Chat.Type != "private" || (m.From != nil && m.From.IsBot) {
		in.Kind = parley.InIgnored
		return in
	}
	in.CustomerID = strconv.FormatInt(m.Chat.ID, 10)
	in.MessageID = in.CustomerID + ":" + strconv.FormatInt(m.MessageID, 10)
	if edited {
		in.MessageID += ":edit:" + strconv.FormatInt(m.EditDate, 10)
	}
	in.Profile = profileOf(m.From)
	in.Text = m.Text
	if in.Text == "" {
		in.Text = m.Caption
	}
	if ref, ok := startPayload(m); ok && !edited {
		in.Kind = parley.InEntry
		in.Entry = &parley.InboundEntry{Kind: "started", Ref: ref, Text: m.Text}
		return in
	}
	addContent(in, m)
	return in
}

// addContent adds media, stickers, locations and contacts of m.
func addContent(in *parley.Incoming, m *message) {
	if a, ok := attachmentOf(m); ok {
		in.Attachments = []parley.InboundAttachment{a}
	}
	if m.Sticker != nil {
		in.Sticker = &parley.InboundSticker{ID: m.Sticker.FileID}
		if in.Text == "" {
			in.Text = m.Sticker.Emoji
		}
	}
	switch {
	case m.Venue != nil:
		in.Location = &parley.InboundLocation{Lat: m.Venue.Location.Latitude, Long: m.Venue.Location.Longitude, Title: utf16text.JoinNonEmpty(", ", m.Venue.Title, m.Venue.Address)}
	case m.Location != nil:
		in.Location = &parley.InboundLocation{Lat: m.Location.Latitude, Long: m.Location.Longitude}
	}
	if m.Contact != nil {
		in.Text = utf16text.JoinNonEmpty("\n", in.Text, contactText(m.Contact))
	}
}

// attachmentOf returns the media of m: the largest photo size, or the
// document, animation, video, video note, audio or voice note.
func attachmentOf(m *message) (parley.InboundAttachment, bool) {
	if n := len(m.Photo); n > 0 {
		return parley.InboundAttachment{Type: "image", MediaID: m.Photo[n-1].FileID, ContentType: "image/jpeg"}, true
	}
	media := []struct {
		typ string
		f   *fileRef
	}{
		{"video", m.Animation}, {"file", m.Document}, {"video", m.Video}, {"video", m.VideoNote},
		{"audio", m.Audio}, {"audio", m.Voice},
	}
	for _, x := range media {
		if x.f != nil && x.f.FileID != "" {
			return parley.InboundAttachment{Type: x.typ, MediaID: x.f.FileID, Name: x.f.FileName, ContentType: x.f.MimeType}, true
		}
	}
	return parley.InboundAttachment{}, false
}

// startPayload reports whether m is /start (with an optional deep-link
// payload) and returns the payload.
func startPayload(m *message) (string, bool) {
	cmd, rest, _ := strings.Cut(m.Text, " ")
	if cmd != "/start" {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// decodeCallback decodes an inline keyboard tap: Payload is the
// callback_data and MessageID the callback query id, to answer it with.
func decodeCallback(q *callbackQuery, received time.Time) *parley.Incoming {
	in := &parley.Incoming{Kind: parley.InPostback, MessageID: q.ID, Payload: q.Data, At: received}
	in.CustomerID = strconv.FormatInt(q.From.ID, 10)
	if q.Message != nil {
		if q.Message.Chat.Type != "" && q.Message.Chat.Type != "private" {
			in.Kind = parley.InIgnored
		}
		if q.Message.Chat.ID != 0 {
			in.CustomerID = strconv.FormatInt(q.Message.Chat.ID, 10)
		}
	}
	in.Profile = profileOf(&q.From)
	return in
}

// decodeMember decodes a block ("kicked": InLeft) or an unblock
// ("member": InEntry follow) of the bot in a private chat.
func decodeMember(m *chatMemberUpdated) *parley.Incoming {
	in := &parley.Incoming{Kind: parley.InIgnored, At: unix(m.Date), CustomerID: strconv.FormatInt(m.Chat.ID, 10)}
	if m.Chat.Type != "private" {
		return in
	}
	in.Profile = profileOf(&m.From)
	switch m.NewChatMember.Status {
	case "kicked":
		in.Kind = parley.InLeft
	case "member":
		in.Kind = parley.InEntry
		in.Entry = &parley.InboundEntry{Kind: "follow", Text: "unblocked the bot"}
	}
	return in
}

// profileOf is the name a message's sender carries.
func profileOf(u *user) *parley.Profile {
	if u == nil || (u.FirstName == "" && u.LastName == "") {
		return nil
	}
	return &parley.Profile{FirstName: u.FirstName, LastName: u.LastName}
}

// contactText renders a shared contact as text.
func contactText(c *contact) string {
	name := utf16text.JoinNonEmpty(" ", c.FirstName, c.LastName)
	return "Contact: " + utf16text.JoinNonEmpty(", ", name, c.PhoneNumber)
}

// unix converts Telegram's seconds to a UTC time (zero for 0).
func unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
