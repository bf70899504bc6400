package conversation

import (
	"context"

	"github.com/parleycc/parley"
)

// queueOutbound stores a message for delivery to the chat's customer and
// wakes the outbox. The stored message is the outbox entry. An agent's
// message the messaging policy would refuse is refused here, before it is
// stored, so the agent knows at once. A bot message queued by a scenario
// step is kept with the step and stored when the step commits
// (saveScenario): its ID is set only then.
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
	if b := stepOf(ctx); b != nil && m.Sender == parley.SenderBot {
		// A scenario step's message is stored with the step's position.
		b.add(m)
		return m, nil
	}
	// Stored with the event that shows it, so the outbox never sends a
	// message the desktops were not told of; the agent's name is read
	// first, outside the transaction.
	e, err := s.Store.AddMessageAnnounced(ctx, m, messageAnnouncer(chat, s.userName(ctx, m.AgentID), parley.HookMessageCreated))
	if err != nil {
		return nil, err
	}
	s.announced(ctx, e)
	s.outbox.Wake()
	return m, nil
}
