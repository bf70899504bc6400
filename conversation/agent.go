package conversation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// maxReplyRunes is Messenger's limit on a text message.
const maxReplyRunes = 2000

// SetAgentState changes an agent's state (ready, not ready or offline)
// without a reason; see SetAgentStatus.
func (s *Service) SetAgentState(ctx context.Context, u *parley.User, state string) (*parley.User, error) {
	return s.SetAgentStatus(ctx, u, state, "")
}

// AgentChat returns a chat the agent may work on: assigned to them.
// Supervisors and admins may see any chat of their tenant, except that a
// supervisor who belongs to services sees only theirs (SupervisorScope),
// besides the chats she works on herself.
func (s *Service) AgentChat(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, error) {
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil || chat.TenantID != u.TenantID {
		return nil, parley.Errorf(parley.ENOTFOUND, "chat not found")
	}
	if (u.Role == parley.RoleAgent || !inScope(u, chat)) && chat.AgentID != u.ID && !s.participant(ctx, chat.ID, u.ID) && !s.offeredTo(ctx, chat, u.ID) {
		if u.Role != parley.RoleAgent {
			return nil, parley.Errorf(parley.EFORBIDDEN, "this chat is not in one of your services")
		}
		return nil, parley.Errorf(parley.EFORBIDDEN, "this chat is not assigned to you")
	}
	return chat, nil
}

// Reply queues an agent's text message to the customer of a chat assigned
// to them.
func (s *Service) Reply(ctx context.Context, u *parley.User, chatID, text string) (*parley.Message, error) {
	return s.ReplyOnce(ctx, u, chatID, text, "")
}

// ReplyOnce is Reply with the key the agent's browser gave this send: the
// same request sent again (a browser retrying a POST whose answer was
// lost) returns the message stored the first time and sends nothing.
func (s *Service) ReplyOnce(ctx context.Context, u *parley.User, chatID, text, key string) (*parley.Message, error) {
	text = strings.TrimSpace(text)
	if err := checkReplyText(text); err != nil {
		return nil, err
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if key != "" {
		// Under the chat's lock: a second request with this key waits for
		// the first and finds what it stored.
		m, err := s.Store.MessageByClientKey(ctx, chat.ID, key)
		if err == nil {
			if m.AgentID != u.ID || m.Text != text {
				return nil, parley.Errorf(parley.ECONFLICT, "client key %s was used for another message", key)
			}
			return m, nil
		} else if parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, err
		}
	}
	if chat.State != parley.ChatAssigned || (chat.AgentID != u.ID && !s.participant(ctx, chat.ID, u.ID)) {
		return nil, parley.Errorf(parley.ECONFLICT, "the chat is not connected to you")
	}
	return s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderAgent, AgentID: u.ID, Text: text, ClientKey: key})
}

// checkReplyText refuses an agent's text the channel would not take.
func checkReplyText(text string) error {
	switch {
	case text == "":
		return parley.Errorf(parley.EINVALID, "message text is empty")
	case utf8.RuneCountInString(text) >= maxReplyRunes:
		return parley.Errorf(parley.EINVALID, "message is too long: Messenger takes fewer than %d characters", maxReplyRunes)
	}
	return nil
}

// lockConnectedChat takes the chat (lockChat) and loads it for u
// (AgentChat), requiring it to be connected to an agent; ECONFLICT if not.
// The caller releases it with unlock.
func (s *Service) lockConnectedChat(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, func(), error) {
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, nil, err
	}
	chat, err := s.AgentChat(ctx, u, chatID)
	if err == nil && chat.State != parley.ChatAssigned {
		err = parley.Errorf(parley.ECONFLICT, "the chat is not connected to an agent")
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return chat, unlock, nil
}

// CloseByAgent ends the agent's part of a chat; its scenario then goes on
// (a goodbye, a survey) and ends it.
func (s *Service) CloseByAgent(ctx context.Context, u *parley.User, chatID string) error {
	chat, unlock, err := s.lockConnectedChat(ctx, u, chatID)
	if err != nil {
		return err
	}
	defer unlock()
	if chat.AgentID != u.ID && s.participant(ctx, chat.ID, u.ID) {
		return s.LeaveConference(ctx, u, chat)
	}
	if err := s.requireDisposition(ctx, chat, ""); err != nil { // wrapup.go
		return err
	}
	if err := s.endConference(ctx, chat); err != nil {
		return err
	}
	if err := s.Store.ReleaseChat(ctx, chat.ID, s.Clock.Now()); err != nil {
		return err
	}
	if err := s.startWrapUp(ctx, chat); err != nil {
		return err
	}
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID, AgentID: chat.AgentID, Data: mustJSON(map[string]string{"chat_id": chat.ID}),
		Hook: parley.HookChatClosed}); err != nil {
		return err
	}
	poke(s.routeWake) // capacity freed
	return s.afterAgentPart(ctx, chat.ID, chat.AgentID)
}

// UserJSON is a user as the web UI sees it.
type UserJSON struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	State       string `json:"state"`
	Capacity    int    `json:"capacity"`
	// Routing state (AgentView fills it).
	Reason   string         `json:"reason,omitempty"`
	Skills   map[string]int `json:"skills,omitempty"`
	Load     int            `json:"load,omitempty"`
	Offers   int            `json:"offers,omitempty"`
	Present  bool           `json:"present,omitempty"`
	ACWUntil *time.Time     `json:"acw_until,omitempty"`
	Services []string       `json:"services,omitempty"`
	Team     string         `json:"team,omitempty"` // the team's name
}

// UserView builds the view of a user.
func UserView(u *parley.User) UserJSON {
	return UserJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, State: u.State, Capacity: u.Capacity}
}
