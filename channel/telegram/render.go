package telegram

import (
	"cmp"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/internal/utf16text"
)

// Bot API limits.
const (
	maxText         = 4096
	maxCaption      = 1024
	maxCallbackData = 64
	maxInlineKeys   = 100
)

// call is one Bot API request of a rendered reply.
type call struct {
	method string
	params map[string]any
	// file, when set, is uploaded as multipart in the form field field.
	file  *parley.File
	field string
}

// markup returns the call's reply_markup (nil when none).
func (c *call) markup() any { return c.params["reply_markup"] }

// render turns a reply into Bot API calls, in order: text (split at 4096,
// the last part carrying the inline keyboard), one message per card, the
// attachments, and the quick replies as a one-time reply keyboard on the
// last message that has no keyboard yet.
func render(acct *parley.Account, chatID int64, out *parley.Outgoing) ([]call, error) {
	calls, _, err := renderReply(acct, chatID, out)
	return calls, err
}

// renderReply is render, also answering which choices went out numbered.
func renderReply(acct *parley.Account, chatID int64, out *parley.Outgoing) ([]call, *utf16text.Numbering, error) {
	text, next := out.Text, &utf16text.Numbering{}
	kb, fallback := inlineKeyboard(out.Buttons, next)
	text = joinText(text, fallback)
	rk, fallback := replyKeyboard(out.QuickReplies, next)
	text = joinText(text, fallback)
	if text == "" && kb != nil {
		text = menuText(acct)
	}
	var calls []call
	for _, chunk := range utf16text.Split(text, maxText) {
		calls = append(calls, textCall(chatID, chunk))
	}
	if kb != nil {
		calls[len(calls)-1].params["reply_markup"] = kb
	}
	for _, card := range out.Cards {
		calls = append(calls, cardCall(chatID, card, next))
	}
	atts, err := attachmentCalls(chatID, out)
	if err != nil {
		return nil, next, err
	}
	calls = append(calls, atts...)
	if rk != nil {
		if n := len(calls); n > 0 && calls[n-1].markup() == nil {
			calls[n-1].params["reply_markup"] = rk
		} else {
			c := textCall(chatID, menuText(acct))
			c.params["reply_markup"] = rk
			calls = append(calls, c)
		}
	}
	if len(calls) == 0 {
		return nil, next, &requestError{msg: "nothing to send"}
	}
	return calls, next, nil
}

// textCall is a plain sendMessage (no parse_mode: agents type plain text).
func textCall(chatID int64, text string) call {
	return call{method: "sendMessage", params: map[string]any{"chat_id": chatID, "text": text}}
}

// inlineKeyboard renders buttons one per row: postbacks as callback_data,
// links as url buttons. Buttons it cannot render (callback data over 64
// bytes, a link without URL, too many) come back as numbered text instead.
func inlineKeyboard(buttons []parley.Button, next *utf16text.Numbering) (any, string) {
	if len(buttons) == 0 {
		return nil, ""
	}
	rows := make([][]map[string]string, 0, len(buttons))
	for _, b := range buttons {
		k, ok := inlineKey(b)
		if !ok || len(buttons) > maxInlineKeys {
			return nil, fallbackButtons(buttons, next)
		}
		rows = append(rows, []map[string]string{k})
	}
	return map[string]any{"inline_keyboard": rows}, ""
}

// inlineKey renders one button, reporting false when Telegram can't take it.
func inlineKey(b parley.Button) (map[string]string, bool) {
	title := strings.TrimSpace(b.Title)
	if title == "" {
		return nil, false
	}
	if b.Type == parley.ButtonURL {
		return map[string]string{"text": title, "url": b.URL}, b.URL != ""
	}
	data := b.Payload
	if data == "" {
		data = b.Title
	}
	return map[string]string{"text": title, "callback_data": data}, len(data) <= maxCallbackData
}

// fallbackButtons renders buttons as numbered text.
func fallbackButtons(buttons []parley.Button, next *utf16text.Numbering) string {
	opts := make([]option, 0, len(buttons))
	for _, b := range buttons {
		o := option{Title: b.Title, Payload: cmp.Or(b.Payload, b.Title)}
		if b.Type == parley.ButtonURL {
			o.URL, o.Payload = b.URL, ""
		}
		opts = append(opts, o)
	}
	return next.List(opts)
}

// replyKeyboard renders quick replies as a one-time reply keyboard, one
// per row. Tapping one sends its title as a text message.
func replyKeyboard(qrs []parley.QuickReply, next *utf16text.Numbering) (any, string) {
	if len(qrs) == 0 {
		return nil, ""
	}
	rows := make([][]map[string]string, 0, len(qrs))
	for _, q := range qrs {
		if strings.TrimSpace(q.Title) == "" {
			return nil, fallbackQuickReplies(qrs, next)
		}
		rows = append(rows, []map[string]string{{"text": q.Title}})
	}
	return map[string]any{"keyboard": rows, "one_time_keyboard": true, "resize_keyboard": true}, ""
}

// fallbackQuickReplies renders quick replies as numbered text.
func fallbackQuickReplies(qrs []parley.QuickReply, next *utf16text.Numbering) string {
	opts := make([]option, 0, len(qrs))
	for _, q := range qrs {
		opts = append(opts, option{Title: q.Title, Payload: cmp.Or(q.Payload, q.Title)})
	}
	return next.List(opts)
}

// cardCall renders one card: a photo with the title and subtitle as
// caption when it has an image, a text message otherwise, with its buttons
// as an inline keyboard (or numbered lines when they don't fit).
func cardCall(chatID int64, card parley.Card, next *utf16text.Numbering) call {
	text := utf16text.JoinNonEmpty("\n", card.Title, card.Subtitle)
	kb, fallback := inlineKeyboard(card.Buttons, next)
	text = joinText(text, fallback)
	var c call
	if card.ImageURL != "" {
		c = call{method: "sendPhoto", params: map[string]any{"chat_id": chatID, "photo": card.ImageURL}}
		if text != "" {
			c.params["caption"] = utf16text.Truncate(text, maxCaption)
		}
	} else {
		if text == "" {
			text = "-"
		}
		c = textCall(chatID, utf16text.Truncate(text, maxText))
	}
	if kb != nil {
		c.params["reply_markup"] = kb
	}
	return c
}

// mediaMethod maps an attachment type (or a content type) to the send
// method and its file parameter.
func mediaMethod(typ, contentType string) (method, field string) {
	switch {
	case typ == "image" || typ == "" && strings.HasPrefix(contentType, "image/"):
		return "sendPhoto", "photo"
	case typ == "video" || typ == "" && strings.HasPrefix(contentType, "video/"):
		return "sendVideo", "video"
	case typ == "audio" || typ == "" && strings.HasPrefix(contentType, "audio/"):
		return "sendAudio", "audio"
	}
	return "sendDocument", "document"
}

// attachmentCalls sends each attachment by URL, or uploads out.File when
// Parley holds the content (the attachment whose FileID names it, or the
// only one).
func attachmentCalls(chatID int64, out *parley.Outgoing) ([]call, error) {
	atts := out.Attachments
	if len(atts) == 0 && hasData(out.File) {
		atts = []parley.ReplyAttachment{{FileID: out.File.ID, Name: out.File.Name, ContentType: out.File.ContentType}}
	}
	calls := make([]call, 0, len(atts))
	for _, a := range atts {
		method, field := mediaMethod(a.Type, a.ContentType)
		c := call{method: method, field: field, params: map[string]any{"chat_id": chatID}}
		switch {
		case hasData(out.File) && (a.FileID == out.File.ID || len(atts) == 1):
			c.file = out.File
		case a.URL != "":
			c.params[field] = a.URL
		default:
			return nil, &requestError{msg: "attachment has neither a URL nor uploaded content"}
		}
		calls = append(calls, c)
	}
	return calls, nil
}

func hasData(f *parley.File) bool { return f != nil && len(f.Data) > 0 }

// NumberedChoices lists the choices of r that go out as numbered text
// (what Telegram cannot show as buttons), in their numbering order, so the
// customer's number picks one (parley.ChoiceNumberer).
func (c *Channel) NumberedChoices(acct *parley.Account, r parley.Reply) []parley.Choice {
	_, numbered, _ := renderReply(acct, 0, &parley.Outgoing{Reply: r})
	choices := make([]parley.Choice, len(numbered.Listed))
	for i, o := range numbered.Listed {
		choices[i] = parley.Choice(o)
	}
	return choices
}
