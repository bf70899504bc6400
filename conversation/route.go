package conversation

import (
	"context"
	"log/slog"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
	"github.com/parleycc/parley/scenario"
)

func (s *Service) routeLoop(ctx context.Context) {
	s.worker(ctx, s.routeWake, s.routeAll, "routing")
}

func (s *Service) routeAll(ctx context.Context) error {
	for _, t := range s.Tenants {
		if err := s.route(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// route offers the tenant's waiting chats, in queue order, to agents.
func (s *Service) route(ctx context.Context, tenant string) error {
	queue, err := s.Store.Queue(ctx, tenant)
	if err != nil || len(queue) == 0 {
		return err
	}
	agents, err := s.routingAgents(ctx, tenant)
	if err != nil {
		return err
	}
	services, err := s.Store.Services(ctx, tenant)
	if err != nil {
		return err
	}
	maxPerAgent := map[string]int{}
	for _, svc := range services {
		maxPerAgent[svc.ID] = svc.MaxChatsPerAgent
	}
	for _, chat := range queue {
		d := routing.Pick(agents, chat.ID, chat.ServiceID, maxPerAgent[chat.ServiceID])
		if d.AgentID == "" {
			continue
		}
		i := indexOf(agents, d.AgentID)
		capacity := routing.Capacity(agents[i], maxPerAgent[chat.ServiceID])
		if err := s.assign(ctx, chat.ID, d, capacity); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				continue // the chat or the agent changed meanwhile; next pass sees it
			}
			return err
		}
		agents[i].Load++
	}
	return nil
}

func (s *Service) assign(ctx context.Context, chatID string, d routing.Decision, capacity int) error {
	unlock := s.chatLocks.lock(chatID)
	defer unlock()
	if err := s.Store.AssignChat(ctx, chatID, d.AgentID, capacity, s.Clock.Now()); err != nil {
		return err
	}
	s.Logger.Info("chat assigned", slog.String("chat", chatID), slog.String("agent", d.AgentID), slog.String("why", d.Reason))
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return err
	}
	if err := s.emitChat(ctx, parley.EventChatAssigned, chat); err != nil {
		return err
	}
	return s.signal(ctx, chatID, scenario.Signal{Kind: scenario.SigAgentFound})
}

func (s *Service) routingAgents(ctx context.Context, tenant string) ([]routing.Agent, error) {
	users, err := s.Store.Users(ctx, tenant)
	if err != nil {
		return nil, err
	}
	loads, err := s.Store.AgentLoads(ctx, tenant)
	if err != nil {
		return nil, err
	}
	agents := make([]routing.Agent, 0, len(users))
	for _, u := range users {
		agents = append(agents, routing.Agent{ID: u.ID, Name: u.DisplayName, State: u.State, Capacity: u.Capacity,
			Load: loads[u.ID], IdleSince: u.IdleSince, Services: u.ServiceIDs})
	}
	return agents, nil
}

func indexOf(agents []routing.Agent, id string) int {
	for i := range agents {
		if agents[i].ID == id {
			return i
		}
	}
	return -1
}
