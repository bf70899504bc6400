package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
)

// sweep runs the leader's timed rules: offers that were not answered,
// wrap-up that ran out, agents whose desktop is gone, and customers who
// went silent in the queue.
func (s *Service) sweep(ctx context.Context, tr *tenantRouter) error {
	now := s.Clock.Now()
	var expired []routing.Chat
	var acwDone, gone, back []string
	var absentLoaded []routing.Agent
	var lost []routing.Chat // transfers whose named agent went away
	tr.lock(func() {
		expired = tr.x.Expired(now)
		for _, c := range tr.x.Directed() {
			if a, ok := tr.agents[c.Target]; !ok || !a.Present || a.State == parley.StateOffline || a.State == parley.StateNotReady {
				lost = append(lost, c)
			}
		}
		for id, a := range tr.agents {
			if a.State == parley.StateACW && !tr.acw[id].IsZero() && !now.Before(tr.acw[id]) {
				acwDone = append(acwDone, id)
			}
			switch {
			case !a.Present && a.State == parley.StateReady:
				gone = append(gone, id)
			case a.Present && tr.absent[id]:
				back = append(back, id)
			}
			if !a.Present && a.Load > 0 {
				absentLoaded = append(absentLoaded, a)
			}
		}
	})
	for _, c := range expired {
		if err := s.offerTimedOut(ctx, c); err != nil {
			return err
		}
	}
	for _, c := range lost {
		if err := s.transferTargetGone(ctx, tr, c); err != nil {
			return err
		}
	}
	for _, id := range acwDone {
		if err := s.setStatus(ctx, id, parley.StateReady, "", time.Time{}); err != nil {
			return err
		}
	}
	for _, id := range gone {
		if err := s.agentGone(ctx, tr, id); err != nil {
			return err
		}
	}
	for _, id := range back {
		if err := s.agentBack(ctx, tr, id); err != nil {
			return err
		}
	}
	for _, a := range absentLoaded {
		if err := s.absentChats(ctx, tr, a.ID, now); err != nil {
			return err
		}
	}
	if err := s.dropouts(ctx, tr, now); err != nil {
		return err
	}
	if len(expired)+len(acwDone)+len(gone)+len(back)+len(lost) > 0 {
		if err := s.syncAgents(ctx, tr); err != nil {
			return err
		}
		return s.catchUp(ctx, tr)
	}
	return nil
}

// offerTimedOut ends an unanswered offer: the chat goes to the next agent
// and the agent becomes Not Ready ("no answer").
func (s *Service) offerTimedOut(ctx context.Context, c routing.Chat) error {
	err := s.Store.EndOffer(ctx, c.ID, c.OfferedTo, true)
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return nil // answered meanwhile
	} else if err != nil {
		return err
	}
	s.Logger.Info("offer timed out", slog.String("chat", c.ID), slog.String("agent", c.OfferedTo))
	chat, err := s.Store.Chat(ctx, c.ID)
	if err != nil {
		return err
	}
	if err := s.emitOfferEnded(ctx, chat, c.OfferedTo, "timeout"); err != nil {
		return err
	}
	return s.setStatus(ctx, c.OfferedTo, parley.StateNotReady, parley.ReasonNoAnswer, time.Time{})
}

// transferTargetGone sends a chat transferred to an agent who went away
// before it was offered to them (Not Ready, Offline, or desktop gone past
// the presence grace) back to its service's line, with its place and
// priority.
func (s *Service) transferTargetGone(ctx context.Context, tr *tenantRouter, c routing.Chat) error {
	// The index may lag behind the database: ask it before giving up.
	if u, err := s.Store.User(ctx, c.Target); err == nil && u.State != parley.StateOffline && u.State != parley.StateNotReady {
		ar, err := s.Store.AgentRouting(ctx, c.Target)
		if err != nil {
			return err
		}
		if !ar.LastSeen.IsZero() && s.Clock.Now().Sub(ar.LastSeen) <= s.presenceGrace() {
			return nil
		}
	}
	unlock, err := s.lockChat(ctx, c.ID)
	if err != nil {
		return err
	}
	err = s.Store.DropTransferTarget(ctx, c.ID, c.Target)
	unlock()
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return s.refreshChat(ctx, tr, c.ID) // offered, assigned or closed meanwhile
	} else if err != nil {
		return err
	}
	name := c.Target
	if u, err := s.Store.User(ctx, c.Target); err == nil {
		name = u.DisplayName
	}
	s.Logger.Info("transfer target gone; chat back in the service's queue", slog.String("chat", c.ID), slog.String("agent", c.Target))
	chat, err := s.Store.Chat(ctx, c.ID)
	if err != nil {
		return err
	}
	if err := s.note(ctx, chat, fmt.Sprintf("%s is not available; the chat is back in the queue with its place kept.", name)); err != nil {
		return err
	}
	return s.refreshChat(ctx, tr, c.ID)
}

// agentGone handles a Ready agent whose desktop has been gone past the
// grace period: Not Ready ("disconnected"), offers withdrawn.
func (s *Service) agentGone(ctx context.Context, tr *tenantRouter, id string) error {
	s.Logger.Warn("agent desktop gone past the grace period", slog.String("agent", id))
	if err := s.setStatus(ctx, id, parley.StateNotReady, parley.ReasonDisconnected, time.Time{}); err != nil {
		return err
	}
	tr.lock(func() { tr.absent[id] = true })
	return s.withdrawOffers(ctx, tr.tenant, id)
}

// agentBack restores an agent whose desktop reconnected after being marked
// disconnected, unless they changed their state meanwhile.
func (s *Service) agentBack(ctx context.Context, tr *tenantRouter, id string) error {
	tr.lock(func() { delete(tr.absent, id) })
	ar, err := s.Store.AgentRouting(ctx, id)
	if err != nil {
		return err
	}
	u, err := s.Store.User(ctx, id)
	if err != nil {
		return err
	}
	if u.State != parley.StateNotReady || ar.Reason != parley.ReasonDisconnected {
		return nil
	}
	return s.setStatus(ctx, id, parley.StateReady, "", time.Time{})
}

// absentChats applies each service's rule to the chats of an agent whose
// desktop is gone: keep them, re-queue them after the grace period, or
// hand them back to the service after HandoffAfter. A re-queued chat keeps
// its place and priority.
func (s *Service) absentChats(ctx context.Context, tr *tenantRouter, agentID string, now time.Time) error {
	ar, err := s.Store.AgentRouting(ctx, agentID)
	if err != nil {
		return err
	}
	gone := now.Sub(ar.LastSeen)
	if ar.LastSeen.IsZero() || gone <= s.presenceGrace() {
		return nil
	}
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: tr.tenant, AgentID: agentID, States: []string{parley.ChatAssigned}})
	if err != nil {
		return err
	}
	for _, c := range chats {
		var rs parley.ServiceRouting
		tr.lock(func() { rs = tr.settings[c.ServiceID] })
		due := false
		switch rs.AbsentRule {
		case parley.AbsentRequeue:
			due = true
		case parley.AbsentHandoff:
			due = gone > s.presenceGrace()+rs.HandoffAfter
		}
		if !due {
			continue
		}
		s.Logger.Warn("re-queueing a chat of an absent agent", slog.String("chat", c.ID), slog.String("agent", agentID))
		if err := s.requeue(ctx, c, "", "Agent disconnected; back in the queue with its place kept."); err != nil &&
			parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
	}
	return nil
}

// dropouts abandons queued chats whose customer has been silent past the
// service's dropout threshold.
func (s *Service) dropouts(ctx context.Context, tr *tenantRouter, now time.Time) error {
	var due []routing.Chat
	tr.lock(func() {
		for _, c := range tr.x.Chats() {
			rs := tr.settings[c.ServiceID]
			if rs.DropoutAfter <= 0 || c.OfferedTo != "" || now.Sub(c.QueuedAt) < rs.DropoutAfter || now.Before(tr.recheck[c.ID]) {
				continue
			}
			due = append(due, c)
		}
	})
	for _, c := range due {
		chat, err := s.Store.Chat(ctx, c.ID)
		if err != nil {
			return err
		}
		var rs parley.ServiceRouting
		tr.lock(func() { rs = tr.settings[c.ServiceID] })
		last := chat.QueuedAt
		if cust, err := s.Store.Customer(ctx, chat.CustomerID); err == nil && cust.LastMessageAt.After(last) {
			last = cust.LastMessageAt
		}
		if now.Sub(last) < rs.DropoutAfter {
			tr.lock(func() { tr.recheck[c.ID] = last.Add(rs.DropoutAfter) })
			continue
		}
		if err := s.abandon(ctx, chat, "the customer was silent for "+rs.DropoutAfter.String()); err != nil {
			return err
		}
		tr.lock(func() { delete(tr.recheck, c.ID) })
	}
	return nil
}

// abandon closes a queued chat whose customer left, counted as abandoned.
func (s *Service) abandon(ctx context.Context, chat *parley.Chat, why string) error {
	unlock, err := s.lockChat(ctx, chat.ID)
	if err != nil {
		return err
	}
	defer unlock()
	err = s.Store.AbandonChat(ctx, chat.ID, s.Clock.Now())
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return nil
	} else if err != nil {
		return err
	}
	s.Logger.Info("chat abandoned", slog.String("chat", chat.ID), slog.String("why", why))
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatAbandoned, ChatID: chat.ID,
		Data: mustJSON(map[string]string{"chat_id": chat.ID, "service_id": chat.ServiceID, "why": why}), Hook: parley.HookChatAbandoned}); err != nil {
		return err
	}
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID,
		Data: mustJSON(map[string]string{"chat_id": chat.ID}), Hook: parley.HookChatClosed})
}
