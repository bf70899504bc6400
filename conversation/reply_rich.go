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
func (s *Service) ReplyRich(ctx context.Context, u *parley.User, chatID, text string, quick, buttons []ButtonJSON) (*parley.Message, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, parley.Errorf(parley.EINVALID, "message text is empty")
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
		QuickReplies []qr         `json:"quick_replies,omitempty"`
		Buttons      []ButtonJSON `json:"buttons,omitempty"`
	}{Buttons: buttons}
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
