package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
)

// SignOff takes an agent out of routing, as logging out or choosing
// Offline does: their state becomes Offline, chats offered to them go
// back in line, their assigned chats go back to their service's queue
// with their place and priority kept, and their part in conferences ends.
// Nothing is left with someone who is not there.
func (s *Service) SignOff(ctx context.Context, u *parley.User) error {
	if err := s.setStatus(ctx, u.ID, parley.StateOffline, "", time.Time{}); err != nil {
		return err
	}
	if err := s.withdrawOffers(ctx, u.TenantID, u.ID); err != nil {
		return err
	}
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: u.TenantID, AgentID: u.ID, States: []string{parley.ChatAssigned}})
	if err != nil {
		return err
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	for _, c := range chats {
		text := fmt.Sprintf("%s signed off; the chat is back in the queue with its place kept.", name)
		if err := s.requeue(ctx, c, "", text); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
	}
	guestOf, err := s.Store.ConferenceChats(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, id := range guestOf {
		c, err := s.Store.Chat(ctx, id)
		if err != nil {
			return err
		}
		if err := s.LeaveConference(ctx, u, c); err != nil {
			return err
		}
	}
	s.Logger.Info("agent signed off", slog.String("agent", u.Username), slog.Int("requeued", len(chats)),
		slog.Int("conferences_left", len(guestOf)))
	return nil
}

// withdrawOffers ends the agent's pending offers without counting them as
// declined: each chat goes back in line with its place.
func (s *Service) withdrawOffers(ctx context.Context, tenantID, agentID string) error {
	offers, err := s.Store.Offers(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, o := range offers {
		if o.AgentID != agentID {
			continue
		}
		if err := s.Store.EndOffer(ctx, o.ChatID, agentID, false); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
		if chat, err := s.Store.Chat(ctx, o.ChatID); err == nil {
			if err := s.emitOfferEnded(ctx, chat, agentID, "withdrawn"); err != nil {
				return err
			}
		}
	}
	return nil
}
