package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// OutboundPayload is the JSON an outbound message's Payload may hold: the
// quick replies and buttons of the scenario's Send Message block, generic
// template elements, a list (rendered as a generic template, since
// Messenger retired the list template), and attachments.
type OutboundPayload struct {
	QuickReplies []struct {
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"quick_replies,omitempty"`
	Buttons     []ButtonJSON     `json:"buttons,omitempty"`
	Elements    []ElementJSON    `json:"elements,omitempty"`
	List        *ListJSON        `json:"list,omitempty"`
	Attachments []AttachmentJSON `json:"attachments,omitempty"`
}

// ButtonJSON is a postback or web_url button.
type ButtonJSON struct {
	Type    string `json:"type,omitempty"`
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// ElementJSON is a card of a generic template.
type ElementJSON struct {
	Title    string       `json:"title"`
	Subtitle string       `json:"subtitle,omitempty"`
	ImageURL string       `json:"image_url,omitempty"`
	Buttons  []ButtonJSON `json:"buttons,omitempty"`
}

// ListJSON is a list template request (the Meta blueprint's): its elements
// become a generic template's cards and its buttons go on the first card.
type ListJSON struct {
	Elements []ElementJSON `json:"elements"`
	Buttons  []ButtonJSON  `json:"buttons,omitempty"`
}

// renderOutbound builds the Send API message for a stored outbound message.
func (s *Service) renderOutbound(ctx context.Context, m *parley.Message) (*messenger.OutMessage, error) {
	out := &messenger.OutMessage{Text: m.Text, Metadata: metadataPrefix + m.ID}
	if m.Payload == "" {
		return out, nil
	}
	var p OutboundPayload
	if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
		return out, nil // free-form detail, not a rendering request
	}
	for _, q := range p.QuickReplies {
		payload := q.Payload
		if payload == "" {
			payload = q.Title
		}
		out.QuickReplies = append(out.QuickReplies, messenger.QuickReply{Title: q.Title, Payload: payload})
	}
	switch {
	case len(p.Attachments) > 0:
		a := p.Attachments[0]
		out.Text = ""
		att := &messenger.OutAttachment{Type: a.Type, URL: a.URL}
		if a.FileID != "" {
			f, err := s.Store.File(ctx, a.FileID)
			if err != nil {
				return nil, fmt.Errorf("render attachment: %w", err)
			}
			att.Data, att.FileName, att.ContentType = f.Data, f.Name, f.ContentType
		}
		if att.Type == "" {
			att.Type = AttachmentType(a.ContentType)
		}
		out.Attachment = att
	case p.List != nil || len(p.Elements) > 0:
		els := p.Elements
		if p.List != nil {
			els = append(els, p.List.Elements...)
			if len(p.List.Buttons) > 0 && len(els) > 0 && len(els[0].Buttons) == 0 {
				els[0].Buttons = p.List.Buttons
			}
		}
		out.Text = ""
		for _, e := range els {
			out.Elements = append(out.Elements, messenger.Element{Title: e.Title, Subtitle: e.Subtitle, ImageURL: e.ImageURL, Buttons: buttons(e.Buttons)})
		}
	case len(p.Buttons) > 0:
		out.Buttons = buttons(p.Buttons)
	}
	return out, nil
}

func buttons(in []ButtonJSON) []messenger.Button {
	var out []messenger.Button
	for _, b := range in {
		typ := b.Type
		if typ == "" {
			typ = "postback"
			if b.URL != "" {
				typ = "web_url"
			}
		}
		payload := b.Payload
		if typ == "postback" && payload == "" {
			payload = b.Title
		}
		out = append(out, messenger.Button{Type: typ, Title: b.Title, Payload: payload, URL: b.URL})
	}
	return out
}
