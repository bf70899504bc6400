package conversation

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/parleycc/parley"
)

// supervisorPerChat is the supervisor view as it was built before
// Store.OpenChats: several queries per chat and per agent. The test keeps
// it to prove the one-query view answers the same JSON.
func (s *Service) supervisorPerChat(ctx context.Context, u *parley.User) (*SupervisorView, error) {
	t := u.TenantID
	reasons, err := s.NotReadyReasons(ctx, t)
	if err != nil {
		return nil, err
	}
	v := &SupervisorView{Reasons: reasons, Now: s.Clock.Now()}
	svcs, err := s.Store.Services(ctx, t)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.ServiceRoutings(ctx, t)
	if err != nil {
		return nil, err
	}
	users, err := s.Store.Users(ctx, t)
	if err != nil {
		return nil, err
	}
	offers, err := s.Store.Offers(ctx, t)
	if err != nil {
		return nil, err
	}
	crs, err := s.Store.ChatRoutings(ctx, t)
	if err != nil {
		return nil, err
	}
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: t, States: []string{parley.ChatQueued, parley.ChatAssigned}, Limit: 500})
	if err != nil {
		return nil, err
	}
	offerOf := map[string]*parley.Offer{}
	for _, o := range offers {
		offerOf[o.ChatID] = o
	}
	for _, sv := range svcs {
		rs := effectiveRouting(settings, sv.ID)
		q := QueueView{ServiceID: sv.ID, Name: sv.Name, Strategy: strategyOr(rs.Strategy), AutoAccept: rs.AutoAccept}
		if len(rs.Skills) > 0 {
			q.Skills = rs.Skills
		}
		st, err := s.Store.QueueStats(ctx, t, sv.ID, "", s.presenceGrace(), v.Now)
		if err != nil {
			return nil, err
		}
		q.AgentsLoggedIn, q.AgentsReady = st.AgentsLoggedIn, st.AgentsReady
		for _, c := range chats {
			if c.State != parley.ChatQueued || c.ServiceID != sv.ID {
				continue
			}
			if offerOf[c.ID] != nil {
				q.Offered++
			} else {
				q.Waiting++
			}
			if q.OldestQueuedAt == nil || c.QueuedAt.Before(*q.OldestQueuedAt) {
				q.OldestQueuedAt = optTime(c.QueuedAt)
			}
		}
		v.Queues = append(v.Queues, q)
	}
	for _, usr := range users {
		if usr.Role != parley.RoleAgent && len(usr.ServiceIDs) == 0 {
			continue
		}
		av, err := s.AgentView(ctx, usr)
		if err != nil {
			return nil, err
		}
		v.Agents = append(v.Agents, av)
	}
	for _, c := range chats {
		cv, err := s.ViewChat(ctx, c)
		if err != nil {
			return nil, err
		}
		sc := SupervisorChat{ChatView: cv, Priority: c.Priority, QueuedAt: optTime(c.QueuedAt)}
		if cr := crs[c.ID]; cr != nil {
			if cr.Decision != "" {
				sc.Decision = json.RawMessage(cr.Decision)
			}
			sc.Participants, sc.Note, sc.Declined = cr.Participants, cr.Note, cr.Declined
		}
		if o := offerOf[c.ID]; o != nil {
			sc.OfferedTo, sc.OfferExpires = o.AgentID, optTime(o.ExpiresAt)
		}
		v.Chats = append(v.Chats, sc)
	}
	slices.SortStableFunc(v.Chats, func(a, b SupervisorChat) int {
		if a.State != b.State {
			if a.State == parley.ChatQueued {
				return -1
			}
			return 1
		}
		return b.Priority - a.Priority
	})
	return v, nil
}
