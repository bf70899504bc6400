package messenger

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Send API limits enforced before calling the platform.
const (
	maxTextChars         = 2000 // text must be shorter than this
	maxTemplateTextChars = 640
	maxQuickReplies      = 13
	maxTitleChars        = 20
	maxPayloadChars      = 1000
	maxButtons           = 3
	maxElements          = 10
	maxElementChars      = 80
)

// Wire shapes of a Send API request.

type sendBody struct {
	Recipient     sendRecipient `json:"recipient"`
	MessagingType string        `json:"messaging_type,omitempty"`
	Tag           string        `json:"tag,omitempty"`
	Message       *sendMessage  `json:"message,omitempty"`
	SenderAction  string        `json:"sender_action,omitempty"`
}

type sendRecipient struct {
	ID string `json:"id"`
}

type sendMessage struct {
	Text         string           `json:"text,omitempty"`
	Attachment   *sendAttachment  `json:"attachment,omitempty"`
	QuickReplies []sendQuickReply `json:"quick_replies,omitempty"`
	Metadata     string           `json:"metadata,omitempty"`
}

type sendQuickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

type sendAttachment struct {
	Type    string `json:"type"`
	Payload any    `json:"payload"`
}

type mediaPayload struct {
	URL        string `json:"url"`
	IsReusable bool   `json:"is_reusable,omitempty"`
}

type uploadPayload struct {
	IsReusable bool `json:"is_reusable"`
}

type templatePayload struct {
	TemplateType string        `json:"template_type"`
	Text         string        `json:"text,omitempty"`
	Buttons      []sendButton  `json:"buttons,omitempty"`
	Elements     []sendElement `json:"elements,omitempty"`
}

type sendButton struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
	// WebviewHeight opens a web_url button in Messenger's webview at
	// this height (tall: three quarters of the screen) instead of the
	// phone's browser, so the customer stays in the conversation.
	WebviewHeight string `json:"webview_height_ratio,omitempty"`
}

type sendElement struct {
	Title    string       `json:"title"`
	Subtitle string       `json:"subtitle,omitempty"`
	ImageURL string       `json:"image_url,omitempty"`
	Buttons  []sendButton `json:"buttons,omitempty"`
}

// retiredTag reports tags the platform rejects since April 2026.
func retiredTag(tag string) bool {
	switch tag {
	case "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE":
		return true
	}
	return false
}

// buildSend validates req and returns the request body.
func buildSend(req SendRequest) (*sendBody, error) {
	if err := checkID("psid", req.PSID); err != nil {
		return nil, err
	}
	b := &sendBody{Recipient: sendRecipient{ID: req.PSID}}
	switch {
	case req.Message != nil && req.SenderAction != "":
		return nil, errors.New("message and sender action are mutually exclusive")
	case req.SenderAction != "":
		switch req.SenderAction {
		case ActionTypingOn, ActionTypingOff, ActionMarkSeen:
		default:
			return nil, fmt.Errorf("unsupported sender action %q", req.SenderAction)
		}
		b.SenderAction = req.SenderAction
		return b, nil
	case req.Message == nil:
		return nil, errors.New("nothing to send: no message or sender action")
	}

	mt := req.MessagingType
	if mt == "" {
		mt = MessagingResponse
		if req.Tag != "" {
			mt = MessagingTag
		}
	}
	switch mt {
	case MessagingResponse, MessagingUpdate:
		if req.Tag != "" {
			return nil, fmt.Errorf("tag %q requires messaging type %s", req.Tag, MessagingTag)
		}
	case MessagingTag:
		if req.Tag == "" {
			return nil, fmt.Errorf("messaging type %s requires a tag", MessagingTag)
		}
		if retiredTag(req.Tag) {
			return nil, fmt.Errorf("message tag %s is retired; use HUMAN_AGENT or a utility template", req.Tag)
		}
	default:
		return nil, fmt.Errorf("unsupported messaging type %q", mt)
	}
	b.MessagingType, b.Tag = mt, req.Tag

	m, err := buildMessage(req.Message)
	if err != nil {
		return nil, err
	}
	b.Message = m
	return b, nil
}

func buildMessage(in *OutMessage) (*sendMessage, error) {
	m := &sendMessage{Metadata: in.Metadata}
	if n := utf8.RuneCountInString(in.Metadata); n >= maxPayloadChars {
		return nil, fmt.Errorf("metadata has %d characters, limit is %d", n, maxPayloadChars-1)
	}
	hasAtt, hasEls, hasBtns := in.Attachment != nil, len(in.Elements) > 0, len(in.Buttons) > 0
	switch {
	case !hasAtt && !hasEls && !hasBtns && in.Text == "":
		return nil, errors.New("empty message: set text, buttons, elements or an attachment")
	case hasAtt && (hasEls || hasBtns || in.Text != ""), hasEls && (hasBtns || in.Text != ""):
		return nil, errors.New("message mixes text/buttons, elements and attachment; use one form")
	}

	switch {
	case in.Attachment != nil:
		a := in.Attachment
		switch a.Type {
		case "image", "audio", "video", "file":
		default:
			return nil, fmt.Errorf("unsupported attachment type %q", a.Type)
		}
		switch {
		case len(a.Data) > 0:
			// Uploaded as filedata; the payload names no URL.
			m.Attachment = &sendAttachment{Type: a.Type, Payload: uploadPayload{IsReusable: a.IsReusable}}
		case a.URL == "":
			return nil, errors.New("attachment without URL or data")
		default:
			m.Attachment = &sendAttachment{Type: a.Type, Payload: mediaPayload{URL: a.URL, IsReusable: a.IsReusable}}
		}
	case len(in.Elements) > 0:
		if len(in.Elements) > maxElements {
			return nil, fmt.Errorf("%d elements, limit is %d", len(in.Elements), maxElements)
		}
		els := make([]sendElement, 0, len(in.Elements))
		for i, e := range in.Elements {
			if e.Title == "" {
				return nil, fmt.Errorf("element %d: empty title", i)
			}
			if utf8.RuneCountInString(e.Title) > maxElementChars || utf8.RuneCountInString(e.Subtitle) > maxElementChars {
				return nil, fmt.Errorf("element %d: title and subtitle are limited to %d characters", i, maxElementChars)
			}
			btns, err := buildButtons(e.Buttons)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			els = append(els, sendElement{Title: e.Title, Subtitle: e.Subtitle, ImageURL: e.ImageURL, Buttons: btns})
		}
		m.Attachment = &sendAttachment{Type: "template", Payload: templatePayload{TemplateType: "generic", Elements: els}}
	case len(in.Buttons) > 0:
		if in.Text == "" {
			return nil, errors.New("buttons need text")
		}
		if n := utf8.RuneCountInString(in.Text); n > maxTemplateTextChars {
			return nil, fmt.Errorf("button text has %d characters, limit is %d", n, maxTemplateTextChars)
		}
		btns, err := buildButtons(in.Buttons)
		if err != nil {
			return nil, err
		}
		m.Attachment = &sendAttachment{Type: "template", Payload: templatePayload{TemplateType: "button", Text: in.Text, Buttons: btns}}
	default:
		if n := utf8.RuneCountInString(in.Text); n >= maxTextChars {
			return nil, fmt.Errorf("text has %d characters, must be fewer than %d", n, maxTextChars)
		}
		m.Text = in.Text
	}

	if len(in.QuickReplies) > maxQuickReplies {
		return nil, fmt.Errorf("%d quick replies, limit is %d", len(in.QuickReplies), maxQuickReplies)
	}
	for i, q := range in.QuickReplies {
		if q.Title == "" || q.Payload == "" {
			return nil, fmt.Errorf("quick reply %d: title and payload are required", i)
		}
		if n := utf8.RuneCountInString(q.Title); n > maxTitleChars {
			return nil, fmt.Errorf("quick reply %d: title has %d characters, limit is %d", i, n, maxTitleChars)
		}
		if n := utf8.RuneCountInString(q.Payload); n > maxPayloadChars {
			return nil, fmt.Errorf("quick reply %d: payload has %d characters, limit is %d", i, n, maxPayloadChars)
		}
		m.QuickReplies = append(m.QuickReplies, sendQuickReply{ContentType: "text", Title: q.Title, Payload: q.Payload})
	}
	return m, nil
}

func buildButtons(in []Button) ([]sendButton, error) {
	if len(in) > maxButtons {
		return nil, fmt.Errorf("%d buttons, limit is %d", len(in), maxButtons)
	}
	out := make([]sendButton, 0, len(in))
	for i, b := range in {
		if b.Title == "" {
			return nil, fmt.Errorf("button %d: empty title", i)
		}
		if n := utf8.RuneCountInString(b.Title); n > maxTitleChars {
			return nil, fmt.Errorf("button %d: title has %d characters, limit is %d", i, n, maxTitleChars)
		}
		switch b.Type {
		case "postback":
			if b.Payload == "" || utf8.RuneCountInString(b.Payload) > maxPayloadChars {
				return nil, fmt.Errorf("button %d: postback payload must be 1-%d characters", i, maxPayloadChars)
			}
			out = append(out, sendButton{Type: b.Type, Title: b.Title, Payload: b.Payload})
		case "web_url":
			if b.URL == "" {
				return nil, fmt.Errorf("button %d: web_url button without URL", i)
			}
			out = append(out, sendButton{Type: b.Type, Title: b.Title, URL: b.URL, WebviewHeight: "tall"})
		default:
			return nil, fmt.Errorf("button %d: unsupported type %q", i, b.Type)
		}
	}
	return out, nil
}
