package conversation

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Page sizes of the chat and message lists: the default and the most one
// request may ask for.
const (
	listChatsLimit    = 200
	maxChatsLimit     = 500
	listMessagesLimit = 500
	maxMessagesLimit  = 1000
)

// ChatPage is one page of a chat list; Next is the cursor of the next
// page, empty on the last one.
type ChatPage struct {
	Chats []*ChatView
	Next  string
}

// ChatsFor lists the chats a user works on, newest first, a page at a
// time: an agent's assigned chats (and, on the first page, conferences
// she joined); for supervisors and admins every open chat of their
// tenant, unless mine asks for only their own (the Agent Desktop's list,
// where a supervisor works as an agent). cursor is "" for the first page,
// else a page's Next; limit 0 is the default page size.
func (s *Service) ChatsFor(ctx context.Context, u *parley.User, mine bool, cursor string, limit int) (*ChatPage, error) {
	limit, err := pageSize(limit, listChatsLimit, maxChatsLimit)
	if err != nil {
		return nil, err
	}
	own := mine || u.Role == parley.RoleAgent
	f := parley.ChatFilter{TenantID: u.TenantID, States: []string{parley.ChatAssigned}, Limit: limit + 1}
	if f.Before, err = decodeChatCursor(cursor); err != nil {
		return nil, err
	}
	if own {
		f.AgentID = u.ID
	} else {
		f.States = []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}
		// A supervisor of some services sees their chats only, as she may
		// supervise only those (SupervisedChat).
		f.ServiceIDs = SupervisorScope(u)
	}
	chats, err := s.Store.Chats(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list chats: %w", err)
	}
	page := &ChatPage{}
	if len(chats) > limit {
		chats = chats[:limit]
		last := chats[limit-1]
		page.Next = encodeChatCursor(last.CreatedAt, last.ID)
	}
	if own && cursor == "" {
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
	page.Chats = make([]*ChatView, 0, len(chats))
	for _, c := range chats {
		v, err := s.ViewChat(ctx, c)
		if err != nil {
			return nil, err
		}
		page.Chats = append(page.Chats, v)
	}
	return page, nil
}

// pageSize checks a requested page size.
func pageSize(limit, def, most int) (int, error) {
	switch {
	case limit == 0:
		return def, nil
	case limit < 0 || limit > most:
		return 0, parley.Errorf(parley.EINVALID, "limit must be between 1 and %d", most)
	}
	return limit, nil
}

// encodeChatCursor writes a place in the chat list as an opaque string.
func encodeChatCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + id))
}

func decodeChatCursor(cursor string) (*parley.ChatCursor, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := parley.Errorf(parley.EINVALID, "cursor: not a cursor this list gave")
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	micros, id, ok := strings.Cut(string(raw), ".")
	us, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, bad
	}
	return &parley.ChatCursor{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// MessagePage is one page of a transcript; NextAfter, when not zero, is
// the after of the next page.
type MessagePage struct {
	Messages  []*MessageView
	NextAfter int64
}

// ChatMessages returns up to limit (0: the default) of the chat's
// messages after seq after, in order, if the user may see the chat.
func (s *Service) ChatMessages(ctx context.Context, u *parley.User, chatID string, after int64, limit int) (*MessagePage, error) {
	limit, err := pageSize(limit, listMessagesLimit, maxMessagesLimit)
	if err != nil {
		return nil, err
	}
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.MessagesPage(ctx, chat.ID, after, limit+1)
	if err != nil {
		return nil, fmt.Errorf("messages of chat %s: %w", chat.ID, err)
	}
	page := &MessagePage{}
	if len(msgs) > limit {
		msgs = msgs[:limit]
		page.NextAfter = msgs[limit-1].Seq
	}
	page.Messages = s.ViewMessages(ctx, msgs)
	return page, nil
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
