package conversation

import (
	"context"

	"github.com/parleycc/parley"
)

// queueOutbound stores a message for delivery to the chat's customer and
// wakes the outbox. The stored message is the outbox entry. An agent's
// message the messaging policy would refuse is refused here, before it is
// stored, so the agent knows at once.
func (s *Service) queueOutbound(ctx context.Context, chat *parley.Chat, m *parley.Message) (*parley.Message, error) {
	m.TenantID, m.ChatID, m.Direction, m.Status = chat.TenantID, chat.ID, parley.Outbound, parley.MsgPending
	if m.Kind == "" {
		m.Kind = parley.KindText
	}
	if m.Sender == parley.SenderAgent {
		if err := s.checkReach(ctx, chat, parley.SenderAgent); err != nil {
			return nil, err
		}
	}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return nil, err
	}
	if err := s.emitMessage(ctx, chat, m); err != nil {
		return nil, err
	}
	s.outbox.Wake()
	return m, nil
}
