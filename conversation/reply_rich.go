package conversation

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// ReplyRich queues an agent's message with quick replies (chips under the
// text) or buttons (a button template). Its payload has the same shape as a
// scenario's Send Message block, so both render alike.
func (s *Service) ReplyRich(ctx context.Context, u *parley.User, chatID, text string, quick, buttons []ButtonJSON, cards ...ElementJSON) (*parley.Message, error) {
	text = strings.TrimSpace(text)
	if err := checkCards(cards); err != nil {
		return nil, err
	}
	switch {
	case text == "" && len(cards) == 0:
		return nil, parley.Errorf(parley.EINVALID, "message text is empty")
	case len(cards) > 0 && len(buttons) > 0:
		return nil, parley.Errorf(parley.EINVALID, "a message with cards carries its buttons on the cards")
	case len(buttons) > 0 && utf8.RuneCountInString(text) > 640:
		return nil, parley.Errorf(parley.EINVALID, "text with buttons is limited to 640 characters")
	case utf8.RuneCountInString(text) >= 2000:
		return nil, parley.Errorf(parley.EINVALID, "message is too long: Messenger takes fewer than 2000 characters")
	case len(quick) > 13:
		return nil, parley.Errorf(parley.EINVALID, "at most 13 quick replies")
	case len(buttons) > 3:
		return nil, parley.Errorf(parley.EINVALID, "at most 3 buttons")
	}
	type qr struct {
		Title   string `json:"title"`
		Payload string `json:"payload"`
	}
	p := struct {
		QuickReplies []qr          `json:"quick_replies,omitempty"`
		Buttons      []ButtonJSON  `json:"buttons,omitempty"`
		Elements     []ElementJSON `json:"elements,omitempty"`
	}{Buttons: buttons, Elements: cards}
	for _, q := range quick {
		q.Title = strings.TrimSpace(q.Title)
		if q.Title == "" || utf8.RuneCountInString(q.Title) > 20 {
			return nil, parley.Errorf(parley.EINVALID, "quick reply titles must be 1 to 20 characters")
		}
		if q.Payload == "" {
			q.Payload = q.Title
		}
		p.QuickReplies = append(p.QuickReplies, qr{q.Title, q.Payload})
	}
	for _, b := range buttons {
		if b.Title == "" || utf8.RuneCountInString(b.Title) > 20 {
			return nil, parley.Errorf(parley.EINVALID, "button titles must be 1 to 20 characters")
		}
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	chat, err := s.agentConnected(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	return s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderAgent, AgentID: u.ID, Text: text, Payload: string(mustJSON(p))})
}

// checkCards validates a carousel: at most 10 cards, each with a title
// and at most 3 buttons with titles.
func checkCards(cards []ElementJSON) error {
	if len(cards) > 10 {
		return parley.Errorf(parley.EINVALID, "at most 10 cards")
	}
	for i, c := range cards {
		switch {
		case strings.TrimSpace(c.Title) == "":
			return parley.Errorf(parley.EINVALID, "card %d needs a title", i+1)
		case len(c.Buttons) > 3:
			return parley.Errorf(parley.EINVALID, "card %d: at most 3 buttons", i+1)
		}
		for _, b := range c.Buttons {
			if b.Title == "" || utf8.RuneCountInString(b.Title) > 20 {
				return parley.Errorf(parley.EINVALID, "card %d: button titles must be 1 to 20 characters", i+1)
			}
		}
	}
	return nil
}
