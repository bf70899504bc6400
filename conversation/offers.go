package conversation

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

func scenarioAgentFound() scenario.Signal { return scenario.Signal{Kind: scenario.SigAgentFound} }

// AcceptOffer connects the agent with a chat offered to them.
func (s *Service) AcceptOffer(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, error) {
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.Store.AcceptOffer(ctx, chatID, u.ID, s.Clock.Now()); err != nil {
		return nil, err
	}
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	s.Logger.Info("offer accepted", slog.String("chat", chatID), slog.String("agent", u.Username))
	if err := s.emitOfferEnded(ctx, chat, u.ID, "accepted"); err != nil {
		return nil, err
	}
	if err := s.connected(ctx, chat); err != nil {
		return nil, err
	}
	return chat, nil
}

// RejectOffer gives a chat offered to the agent back to the queue, with
// its place; it goes to the next agent.
func (s *Service) RejectOffer(ctx context.Context, u *parley.User, chatID string) error {
	if err := s.Store.EndOffer(ctx, chatID, u.ID, true); err != nil {
		return err
	}
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return err
	}
	s.Logger.Info("offer rejected", slog.String("chat", chatID), slog.String("agent", u.Username))
	return s.emitOfferEnded(ctx, chat, u.ID, "rejected")
}

// MyOffers returns the chats currently offered to the agent.
func (s *Service) MyOffers(ctx context.Context, u *parley.User) ([]OfferView, error) {
	offers, err := s.Store.Offers(ctx, u.TenantID)
	if err != nil {
		return nil, err
	}
	out := []OfferView{}
	for _, o := range offers {
		if o.AgentID != u.ID {
			continue
		}
		chat, err := s.Store.Chat(ctx, o.ChatID)
		if err != nil {
			return nil, err
		}
		v, err := s.ViewChat(ctx, chat)
		if err != nil {
			return nil, err
		}
		out = append(out, OfferView{Chat: v, AgentID: o.AgentID, ExpiresAt: optTime(o.ExpiresAt), Decision: []byte(o.Decision)})
	}
	return out, nil
}

// SetAgentStatus changes an agent's own state and Not Ready reason. Ready
// counts as a sign of life of their desktop.
func (s *Service) SetAgentStatus(ctx context.Context, u *parley.User, state, reason string) (*parley.User, error) {
	switch state {
	case parley.StateReady, parley.StateOffline:
		reason = ""
	case parley.StateNotReady:
		if reason != "" {
			reasons, err := s.NotReadyReasons(ctx, u.TenantID)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(reasons, reason) {
				return nil, parley.Errorf(parley.EINVALID, "unknown Not Ready reason %q", reason)
			}
		}
	default:
		return nil, parley.Errorf(parley.EINVALID, "state must be ready, not_ready or offline")
	}
	if state == parley.StateOffline {
		if err := s.SignOff(ctx, u); err != nil {
			return nil, err
		}
		return s.Store.User(ctx, u.ID)
	}
	if state == parley.StateReady {
		if err := s.Store.TouchPresence(ctx, u.ID, s.Clock.Now()); err != nil {
			return nil, err
		}
	}
	if err := s.setStatus(ctx, u.ID, state, reason, time.Time{}); err != nil {
		return nil, err
	}
	return s.Store.User(ctx, u.ID)
}

// DefaultNotReadyReasons are offered when the tenant has none of its own.
var DefaultNotReadyReasons = []string{"Break", "Lunch", "Training", "Meeting"}

// NotReadyReasons are the reasons the tenant's agents can pick. They are
// read from the database, so every node agrees and a configuration reload
// on any node changes them everywhere.
func (s *Service) NotReadyReasons(ctx context.Context, tenantID string) ([]string, error) {
	t, err := s.Store.Tenant(ctx, tenantID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return DefaultNotReadyReasons, nil
	} else if err != nil {
		return nil, err
	}
	if len(t.NotReadyReasons) > 0 {
		return t.NotReadyReasons, nil
	}
	return DefaultNotReadyReasons, nil
}

// setStatus writes an agent's state and tells everyone.
func (s *Service) setStatus(ctx context.Context, agentID, state, reason string, acwUntil time.Time) error {
	if err := s.Store.SetAgentStatus(ctx, agentID, state, reason, acwUntil, s.Clock.Now()); err != nil {
		return err
	}
	u, err := s.Store.User(ctx, agentID)
	if err != nil {
		return err
	}
	v, err := s.AgentView(ctx, u)
	if err != nil {
		return err
	}
	if err := s.emit(ctx, &parley.Event{TenantID: u.TenantID, Type: parley.EventAgentState, AgentID: u.ID, Data: mustJSON(v)}); err != nil {
		return err
	}
	poke(s.routeWake)
	return nil
}

// Seen records that the agent's desktop is connected (the live event
// stream, on any node).
func (s *Service) Seen(ctx context.Context, u *parley.User) error {
	return s.Store.TouchPresence(ctx, u.ID, s.Clock.Now())
}

// Gone records that the agent's desktop left (logged out): they are no
// longer present, whatever stream of theirs is still closing.
func (s *Service) Gone(ctx context.Context, u *parley.User) error {
	return s.Store.TouchPresence(ctx, u.ID, time.Time{})
}

// PresenceTouch is how often a connected desktop should call Seen.
func (s *Service) PresenceTouch() time.Duration {
	return min(presenceTouch, s.presenceGrace()/3)
}

// AgentView is a user with their routing state, as the web UI shows it.
func (s *Service) AgentView(ctx context.Context, u *parley.User) (UserJSON, error) {
	ar, err := s.Store.AgentRouting(ctx, u.ID)
	if err != nil {
		return UserView(u), err
	}
	return s.agentView(u, ar), nil
}

// agentView is AgentView from a routing record already read.
func (s *Service) agentView(u *parley.User, ar *parley.AgentRouting) UserJSON {
	v := UserView(u)
	v.Reason, v.Skills, v.Load, v.Offers = ar.Reason, ar.Skills, ar.Load, ar.Offers
	v.Present = !ar.LastSeen.IsZero() && s.Clock.Now().Sub(ar.LastSeen) <= s.presenceGrace()
	v.ACWUntil = optTime(ar.ACWUntil)
	v.Services = u.ServiceIDs
	v.Team = u.TeamName
	return v
}
