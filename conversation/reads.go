package conversation

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
)

// listChatsLimit bounds the chat list of one request.
const listChatsLimit = 200

// ChatsFor lists the chats a user works on: an agent's assigned chats and
// conferences she joined; for supervisors and admins every open chat of
// their tenant.
func (s *Service) ChatsFor(ctx context.Context, u *parley.User) ([]*ChatView, error) {
	f := parley.ChatFilter{TenantID: u.TenantID, States: []string{parley.ChatAssigned}, Limit: listChatsLimit}
	if u.Role == parley.RoleAgent {
		f.AgentID = u.ID
	} else {
		f.States = []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}
	}
	chats, err := s.Store.Chats(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list chats: %w", err)
	}
	if u.Role == parley.RoleAgent {
		ids, err := s.Store.ConferenceChats(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("conference chats: %w", err)
		}
		for _, id := range ids {
			c, err := s.Store.Chat(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("conference chat %s: %w", id, err)
			}
			chats = append(chats, c)
		}
	}
	views := make([]*ChatView, 0, len(chats))
	for _, c := range chats {
		v, err := s.ViewChat(ctx, c)
		if err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	return views, nil
}

// ChatMessages returns the messages after seq of a chat the user may see.
func (s *Service) ChatMessages(ctx context.Context, u *parley.User, chatID string, after int64) ([]*MessageView, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.Messages(ctx, chat.ID, after)
	if err != nil {
		return nil, fmt.Errorf("messages of chat %s: %w", chat.ID, err)
	}
	views := make([]*MessageView, 0, len(msgs))
	for _, m := range msgs {
		views = append(views, s.ViewMessage(ctx, m))
	}
	return views, nil
}

// Directory is who and where a chat can be transferred to.
type Directory struct {
	Agents   []*parley.User
	Services []*parley.Service
}

// Directory lists the tenant's users and services.
func (s *Service) Directory(ctx context.Context, tenantID string) (*Directory, error) {
	users, err := s.Store.Users(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("directory users: %w", err)
	}
	svcs, err := s.Store.Services(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("directory services: %w", err)
	}
	return &Directory{Agents: users, Services: svcs}, nil
}

// ServiceName is the name of one of the tenant's services ("" when there
// is none with the id).
func (s *Service) ServiceName(ctx context.Context, tenantID, id string) string {
	sv, err := s.Store.Service(ctx, id)
	if err != nil || sv.TenantID != tenantID {
		return ""
	}
	return sv.Name
}

// LastEventID is the newest event id of the tenant (0 when none).
func (s *Service) LastEventID(ctx context.Context, tenantID string) (int64, error) {
	id, err := s.Store.LastEventID(ctx, tenantID)
	if err != nil {
		return 0, fmt.Errorf("last event id: %w", err)
	}
	return id, nil
}

// Ready reports whether the database is reachable and fully migrated.
func (s *Service) Ready(ctx context.Context) error { return s.Store.Ping(ctx) }

// EventsAfter reads up to limit of the tenant's events after id: the log
// the live streams follow.
func (s *Service) EventsAfter(ctx context.Context, tenantID string, after int64, limit int) ([]*parley.Event, error) {
	evs, err := s.Store.EventsAfter(ctx, tenantID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return evs, nil
}
