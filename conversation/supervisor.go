package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parleycc/parley"
)

// SupervisorView is what the Supervisor page shows: queues, agents and
// open chats with the routing decision that placed each one. It is read
// from the database, so any node answers it.
type SupervisorView struct {
	Queues  []QueueView      `json:"queues"`
	Agents  []UserJSON       `json:"agents"`
	Chats   []SupervisorChat `json:"chats"`
	Reasons []string         `json:"reasons"`
	Now     time.Time        `json:"now"`
}

// QueueView is one service's queue.
type QueueView struct {
	ServiceID      string     `json:"service_id"`
	Name           string     `json:"name"`
	Strategy       string     `json:"strategy"`
	AutoAccept     bool       `json:"auto_accept"`
	Skills         any        `json:"skills,omitempty"`
	Waiting        int        `json:"waiting"`
	Offered        int        `json:"offered"`
	OldestQueuedAt *time.Time `json:"oldest_queued_at,omitempty"`
	AgentsLoggedIn int        `json:"agents_logged_in"`
	AgentsReady    int        `json:"agents_ready"`
}

// SupervisorChat is an open chat with its routing record.
type SupervisorChat struct {
	*ChatView
	Priority     int             `json:"priority"`
	QueuedAt     *time.Time      `json:"queued_at,omitempty"`
	OfferedTo    string          `json:"offered_to,omitempty"`
	OfferExpires *time.Time      `json:"offer_expires_at,omitempty"`
	Decision     json.RawMessage `json:"decision,omitempty"`
	Participants []string        `json:"participants,omitempty"`
	Note         string          `json:"note,omitempty"`
	Declined     []string        `json:"declined,omitempty"`
}

// supervisorChats is how many open chats the supervisor view shows.
const supervisorChats = 500

// openChatReader reads every open chat of a tenant with what its view
// shows in one query (sqlstore.Store implements it). The supervisor view
// uses it so that its cost does not grow with the number of chats.
type openChatReader interface {
	OpenChats(ctx context.Context, tenantID string, limit int) ([]*parley.OpenChat, error)
}

// Supervisor builds the supervisor's view of the tenant. It reads the
// database a constant number of times, whatever the number of agents
// and chats: the tenant, services and their settings, users, their
// routing records and the open chats (Store.OpenChats).
func (s *Service) Supervisor(ctx context.Context, u *parley.User) (*SupervisorView, error) {
	t := u.TenantID
	reader, ok := s.Store.(openChatReader)
	if !ok {
		return nil, fmt.Errorf("supervisor view: store %T cannot read open chats", s.Store)
	}
	reasons, err := s.NotReadyReasons(ctx, t)
	if err != nil {
		return nil, err
	}
	// Empty lists, never null: the page maps over each of them.
	v := &SupervisorView{Reasons: reasons, Now: s.Clock.Now(), Agents: []UserJSON{}, Chats: []SupervisorChat{}}
	users, ars, err := s.supervisorAgents(ctx, t)
	if err != nil {
		return nil, err
	}
	chats, err := reader.OpenChats(ctx, t, supervisorChats)
	if err != nil {
		return nil, err
	}
	// A supervisor of some services sees their queues, chats and members
	// only: what she may supervise (SupervisedChat).
	scope := SupervisorScope(u)
	inScope := func(serviceIDs ...string) bool {
		return scope == nil || slices.ContainsFunc(serviceIDs, func(id string) bool { return slices.Contains(scope, id) })
	}
	chats = slices.DeleteFunc(chats, func(oc *parley.OpenChat) bool { return !inScope(oc.Chat.ServiceID) })
	if v.Queues, err = s.supervisorQueues(ctx, t, chats, users, ars, v.Now); err != nil {
		return nil, err
	}
	v.Queues = slices.DeleteFunc(v.Queues, func(q QueueView) bool { return !inScope(q.ServiceID) })
	if v.Queues == nil {
		v.Queues = []QueueView{}
	}
	for _, usr := range users {
		if usr.Role != parley.RoleAgent && len(usr.ServiceIDs) == 0 || !inScope(usr.ServiceIDs...) {
			continue
		}
		ar := ars[usr.ID]
		if ar == nil {
			ar = &parley.AgentRouting{UserID: usr.ID}
		}
		v.Agents = append(v.Agents, s.agentView(usr, ar))
	}
	for _, oc := range chats {
		v.Chats = append(v.Chats, s.supervisorChat(oc))
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

// supervisorAgents reads the tenant's users and their routing records.
func (s *Service) supervisorAgents(ctx context.Context, t string) ([]*parley.User, map[string]*parley.AgentRouting, error) {
	users, err := s.Store.Users(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	ars, err := s.Store.AgentRoutings(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	return users, ars, nil
}

// supervisorQueues counts each service's waiting and offered chats (among
// chats) and its members logged in and ready, as QueueStats would.
func (s *Service) supervisorQueues(ctx context.Context, t string, chats []*parley.OpenChat, users []*parley.User,
	ars map[string]*parley.AgentRouting, now time.Time) ([]QueueView, error) {
	svcs, err := s.Store.Services(ctx, t)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.ServiceRoutings(ctx, t)
	if err != nil {
		return nil, err
	}
	var out []QueueView
	for _, sv := range svcs {
		rs := effectiveRouting(settings, sv.ID)
		q := QueueView{ServiceID: sv.ID, Name: sv.Name, Strategy: strategyOr(rs.Strategy), AutoAccept: rs.AutoAccept}
		if len(rs.Skills) > 0 {
			q.Skills = rs.Skills
		}
		q.AgentsLoggedIn, q.AgentsReady = s.serviceMembers(sv.ID, users, ars, now)
		countQueue(&q, chats)
		out = append(out, q)
	}
	return out, nil
}

// serviceMembers counts the service's members who are not Offline, and
// those Ready whose desktop was seen within the presence grace.
func (s *Service) serviceMembers(serviceID string, users []*parley.User, ars map[string]*parley.AgentRouting, now time.Time) (loggedIn, ready int) {
	// last_seen is stored in microseconds; compare as the database would.
	since := now.Add(-s.presenceGrace()).Truncate(time.Microsecond)
	for _, u := range users {
		if !slices.Contains(u.ServiceIDs, serviceID) {
			continue
		}
		if u.State != parley.StateOffline {
			loggedIn++
		}
		if ar := ars[u.ID]; u.State == parley.StateReady && ar != nil && !ar.LastSeen.IsZero() && !ar.LastSeen.Before(since) {
			ready++
		}
	}
	return loggedIn, ready
}

// countQueue adds the service's queued chats to q: offered or waiting,
// and the oldest place in line.
func countQueue(q *QueueView, chats []*parley.OpenChat) {
	for _, oc := range chats {
		c := oc.Chat
		if c.State != parley.ChatQueued || c.ServiceID != q.ServiceID {
			continue
		}
		if oc.Offer != nil {
			q.Offered++
		} else {
			q.Waiting++
		}
		if q.OldestQueuedAt == nil || c.QueuedAt.Before(*q.OldestQueuedAt) {
			q.OldestQueuedAt = optTime(c.QueuedAt)
		}
	}
}

// supervisorChat is an open chat as the supervisor page shows it.
func (s *Service) supervisorChat(oc *parley.OpenChat) SupervisorChat {
	c := oc.Chat
	sc := SupervisorChat{ChatView: openChatView(oc), Priority: c.Priority, QueuedAt: optTime(c.QueuedAt)}
	if cr := oc.Routing; cr != nil {
		if cr.Decision != "" {
			sc.Decision = json.RawMessage(cr.Decision)
		}
		sc.Participants, sc.Note, sc.Declined = cr.Participants, cr.Note, cr.Declined
	}
	if o := oc.Offer; o != nil {
		sc.OfferedTo, sc.OfferExpires = o.AgentID, optTime(o.ExpiresAt)
	}
	return sc
}

func strategyOr(s string) string {
	if s == "" {
		return parley.StrategyLongestIdle
	}
	return s
}
