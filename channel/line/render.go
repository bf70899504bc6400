package line

import (
	"cmp"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/internal/utf16text"
)

// Messaging API limits.
const (
	maxText         = 5000
	maxMessages     = 5 // per reply or push request
	maxQuickReplies = 13
	maxTemplateBtns = 4
	maxTemplateText = 160
	maxAltText      = 400
	maxLabel        = 20
	maxPostbackData = 300
	maxBubbles      = 12
	maxFlexAltText  = 1500
)

// message is one LINE message object.
type message = map[string]any

// render turns a reply into LINE message objects, in order: text (split at
// 5000), a buttons template, a Flex carousel of the cards, the
// attachments; quick replies go on the last one. What LINE can't show
// (too many buttons, quick replies or cards, payloads too long) becomes
// numbered text the customer can answer with the number.
func render(acct *parley.Account, out *parley.Outgoing) ([]message, error) {
	msgs, _, err := renderReply(acct, out)
	return msgs, err
}

// renderReply is render, also answering which choices went out numbered.
func renderReply(acct *parley.Account, out *parley.Outgoing) ([]message, *utf16text.Numbering, error) {
	text, next := out.Text, &utf16text.Numbering{}
	actions, fallback := buttonActions(out.Buttons, next)
	text = joinText(text, fallback)
	items, fallback := quickReplyItems(out.QuickReplies, next)
	text = joinText(text, fallback)
	var msgs []message
	if actions != nil {
		msgs = buttonsTemplate(acct, text, actions)
	} else {
		msgs = textMessages(text)
	}
	if len(out.Cards) > 0 {
		msgs = append(msgs, cardMessage(out.Cards, next))
	}
	atts, err := attachmentMessages(out)
	if err != nil {
		return nil, next, err
	}
	msgs = append(msgs, atts...)
	if len(msgs) == 0 && items != nil {
		msgs = textMessages(menuText(acct))
	}
	if len(msgs) == 0 {
		return nil, next, &requestError{msg: "nothing to send"}
	}
	if items != nil {
		msgs[len(msgs)-1]["quickReply"] = map[string]any{"items": items}
	}
	return msgs, next, nil
}

// textMessages splits text into text messages.
func textMessages(text string) []message {
	var msgs []message
	for _, chunk := range utf16text.Split(text, maxText) {
		msgs = append(msgs, message{"type": "text", "text": chunk})
	}
	return msgs
}

// buttonsTemplate renders a buttons template; text it can't hold goes in
// text messages before it.
func buttonsTemplate(acct *parley.Account, text string, actions []map[string]any) []message {
	var msgs []message
	tmplText := text
	if tmplText == "" || utf16Len(tmplText) > maxTemplateText {
		msgs, tmplText = textMessages(text), menuText(acct)
	}
	alt := utf16text.Truncate(tmplText, maxAltText)
	return append(msgs, message{"type": "template", "altText": alt,
		"template": map[string]any{"type": "buttons", "text": utf16text.Truncate(tmplText, maxTemplateText), "actions": actions}})
}

// buttonActions renders buttons as template actions, or numbered text
// when there are more than 4 or one can't be an action.
func buttonActions(buttons []parley.Button, next *utf16text.Numbering) ([]map[string]any, string) {
	if len(buttons) == 0 {
		return nil, ""
	}
	actions := make([]map[string]any, 0, len(buttons))
	for _, b := range buttons {
		a, ok := buttonAction(b)
		if !ok || len(buttons) > maxTemplateBtns {
			return nil, fallbackButtons(buttons, next)
		}
		actions = append(actions, a)
	}
	return actions, ""
}

// buttonAction renders one button: a postback (showing its title as the
// customer's text) or a uri action.
func buttonAction(b parley.Button) (map[string]any, bool) {
	title := strings.TrimSpace(b.Title)
	if title == "" {
		return nil, false
	}
	label := utf16text.Truncate(title, maxLabel)
	if b.Type == parley.ButtonURL {
		return map[string]any{"type": "uri", "label": label, "uri": b.URL}, b.URL != ""
	}
	data := b.Payload
	if data == "" {
		data = title
	}
	return map[string]any{"type": "postback", "label": label, "data": data, "displayText": title}, utf16Len(data) <= maxPostbackData
}

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

// quickReplyItems renders quick replies: a message action sending the
// title, or a postback when the payload differs from the title. More than
// 13 become numbered text.
func quickReplyItems(qrs []parley.QuickReply, next *utf16text.Numbering) ([]map[string]any, string) {
	if len(qrs) == 0 {
		return nil, ""
	}
	items := make([]map[string]any, 0, len(qrs))
	for _, q := range qrs {
		a, ok := quickReplyAction(q)
		if !ok || len(qrs) > maxQuickReplies {
			opts := make([]option, 0, len(qrs))
			for _, q := range qrs {
				opts = append(opts, option{Title: q.Title, Payload: cmp.Or(q.Payload, q.Title)})
			}
			return nil, next.List(opts)
		}
		items = append(items, map[string]any{"type": "action", "action": a})
	}
	return items, ""
}

func quickReplyAction(q parley.QuickReply) (map[string]any, bool) {
	title := strings.TrimSpace(q.Title)
	if title == "" {
		return nil, false
	}
	label := utf16text.Truncate(title, maxLabel)
	if q.Payload == "" || q.Payload == q.Title {
		return map[string]any{"type": "message", "label": label, "text": title}, utf16Len(title) <= maxPostbackData
	}
	return map[string]any{"type": "postback", "label": label, "data": q.Payload, "displayText": title}, utf16Len(q.Payload) <= maxPostbackData
}

// cardMessage renders cards as a Flex carousel, or as numbered text when
// there are more than 12 or a button can't be an action.
func cardMessage(cards []parley.Card, next *utf16text.Numbering) message {
	bubbles := make([]map[string]any, 0, len(cards))
	for _, c := range cards {
		b, ok := bubble(c)
		if !ok || len(cards) > maxBubbles {
			return message{"type": "text", "text": utf16text.Truncate(fallbackCards(cards, next), maxText)}
		}
		bubbles = append(bubbles, b)
	}
	titles := make([]string, 0, len(cards))
	for _, c := range cards {
		titles = append(titles, c.Title)
	}
	alt := utf16text.Truncate(strings.Join(titles, ", "), maxFlexAltText)
	if alt == "" {
		alt = "Cards"
	}
	return message{"type": "flex", "altText": alt, "contents": map[string]any{"type": "carousel", "contents": bubbles}}
}

// bubble renders one card as a Flex bubble: hero image, title and
// subtitle, buttons in the footer.
func bubble(c parley.Card) (map[string]any, bool) {
	var body []map[string]any
	if c.Title != "" {
		body = append(body, map[string]any{"type": "text", "text": c.Title, "weight": "bold", "size": "lg", "wrap": true})
	}
	if c.Subtitle != "" {
		body = append(body, map[string]any{"type": "text", "text": c.Subtitle, "wrap": true})
	}
	if len(body) == 0 {
		body = append(body, map[string]any{"type": "text", "text": "-"})
	}
	b := map[string]any{"type": "bubble", "body": map[string]any{"type": "box", "layout": "vertical", "contents": body}}
	if c.ImageURL != "" {
		b["hero"] = map[string]any{"type": "image", "url": c.ImageURL, "size": "full", "aspectMode": "cover"}
	}
	var footer []map[string]any
	for _, btn := range c.Buttons {
		a, ok := buttonAction(btn)
		if !ok {
			return nil, false
		}
		footer = append(footer, map[string]any{"type": "button", "action": a})
	}
	if len(footer) > 0 {
		b["footer"] = map[string]any{"type": "box", "layout": "vertical", "contents": footer}
	}
	return b, true
}

// fallbackCards lists each card with its buttons numbered across cards.
func fallbackCards(cards []parley.Card, next *utf16text.Numbering) string {
	parts := make([]string, 0, len(cards))
	for _, c := range cards {
		head := utf16text.JoinNonEmpty(" — ", c.Title, c.Subtitle)
		parts = append(parts, utf16text.JoinNonEmpty("\n", head, fallbackButtons(c.Buttons, next)))
	}
	return strings.Join(parts, "\n\n")
}

// attachmentMessages sends HTTPS images as image messages and anything
// else as a link: LINE has no file message, video needs a preview image
// and audio a duration that Parley does not have. LINE fetches media by
// URL only, so content held by Parley needs its public URL.
func attachmentMessages(out *parley.Outgoing) ([]message, error) {
	msgs := make([]message, 0, len(out.Attachments))
	for _, a := range out.Attachments {
		if a.URL == "" {
			return nil, &requestError{msg: "LINE takes media by URL only; the attachment has none"}
		}
		if a.Type == "image" && strings.HasPrefix(a.URL, "https://") {
			msgs = append(msgs, message{"type": "image", "originalContentUrl": a.URL, "previewImageUrl": a.URL})
			continue
		}
		msgs = append(msgs, message{"type": "text", "text": utf16text.JoinNonEmpty(": ", a.Name, a.URL)})
	}
	if len(out.Attachments) == 0 && out.File != nil && len(out.File.Data) > 0 {
		return nil, &requestError{msg: "LINE takes media by URL only; cannot upload a file"}
	}
	return msgs, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// NumberedChoices lists the choices of r that go out as numbered text
// (what LINE cannot show as buttons), in their numbering order, so the
// customer's number picks one (parley.ChoiceNumberer).
func (c *Channel) NumberedChoices(acct *parley.Account, r parley.Reply) []parley.Choice {
	_, numbered, _ := renderReply(acct, &parley.Outgoing{Reply: r})
	choices := make([]parley.Choice, len(numbered.Listed))
	for i, o := range numbered.Listed {
		choices[i] = parley.Choice(o)
	}
	return choices
}
