package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleycc/parley"
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

// outgoing turns a stored outbound message into the reply model a channel
// renders, with the content of a file Parley stores.
func (s *Outbox) outgoing(ctx context.Context, m *parley.Message) (*parley.Outgoing, error) {
	out := &parley.Outgoing{MessageID: m.ID, Sender: m.Sender, Reply: replyOf(m)}
	if m.Kind == parley.KindAction {
		out.Action, out.Text = m.Text, ""
		return out, nil
	}
	for _, a := range out.Attachments {
		if a.FileID == "" {
			continue
		}
		f, err := s.store.File(ctx, a.FileID)
		if err != nil {
			return nil, fmt.Errorf("render attachment: %w", err)
		}
		out.File = f
		break // one attachment a message
	}
	return out, nil
}

// replyOf reads the reply model of a stored outbound message: its text and
// the structure its Payload asks for (attachments, cards — a list becomes
// cards, its buttons on the first —, or buttons, with quick replies).
func replyOf(m *parley.Message) parley.Reply {
	r := parley.Reply{Text: m.Text}
	var p OutboundPayload
	if m.Payload == "" || json.Unmarshal([]byte(m.Payload), &p) != nil {
		return r // no structure, or free-form detail: not a rendering request
	}
	for _, q := range p.QuickReplies {
		r.QuickReplies = append(r.QuickReplies, parley.QuickReply{Title: q.Title, Payload: q.Payload})
	}
	switch {
	case len(p.Attachments) > 0:
		a := p.Attachments[0]
		r.Text = ""
		r.Attachments = []parley.ReplyAttachment{{Type: a.Type, URL: a.URL, FileID: a.FileID, Name: a.Name, ContentType: a.ContentType}}
	case p.List != nil || len(p.Elements) > 0:
		els := p.Elements
		if p.List != nil {
			els = append(els, p.List.Elements...)
			if len(p.List.Buttons) > 0 && len(els) > 0 && len(els[0].Buttons) == 0 {
				els[0].Buttons = p.List.Buttons
			}
		}
		r.Text = ""
		for _, e := range els {
			r.Cards = append(r.Cards, parley.Card{Title: e.Title, Subtitle: e.Subtitle, ImageURL: e.ImageURL, Buttons: replyButtons(e.Buttons)})
		}
	case len(p.Buttons) > 0:
		r.Buttons = replyButtons(p.Buttons)
	}
	return r
}

func replyButtons(in []ButtonJSON) []parley.Button {
	var out []parley.Button
	for _, b := range in {
		out = append(out, parley.Button{Type: b.Type, Title: b.Title, Payload: b.Payload, URL: b.URL})
	}
	return out
}
