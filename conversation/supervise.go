package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Supervision (issue 11): a supervisor monitors any live chat of her
// services read-only, whispers to its agent, or barges in as a
// conference participant who writes to the customer. Each action is
// recorded (supervision_log) and announced to supervisors
// (EventSupervision).

// supervisor reports whether u supervises: supervisors and admins.
func supervisor(u *parley.User) bool {
	return u.Role == parley.RoleSupervisor || u.Role == parley.RoleAdmin
}

// SupervisorScope is the services whose chats u may supervise: nil for
// every service (admins, and supervisors who belong to no service).
func SupervisorScope(u *parley.User) []string {
	if u.Role == parley.RoleSupervisor && len(u.ServiceIDs) > 0 {
		return u.ServiceIDs
	}
	return nil
}

// inScope reports whether chat is of a service u may supervise (every
// service for admins and supervisors who belong to none). It says nothing
// of agents, who supervise no chat.
func inScope(u *parley.User, chat *parley.Chat) bool {
	scope := SupervisorScope(u)
	return scope == nil || slices.Contains(scope, chat.ServiceID)
}

// SupervisedChat returns a chat u may supervise: of her tenant, and of one
// of her services when she has any.
func (s *Service) SupervisedChat(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, error) {
	if !supervisor(u) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only supervisors can do this")
	}
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil || chat.TenantID != u.TenantID {
		return nil, parley.Errorf(parley.ENOTFOUND, "chat not found")
	}
	if !inScope(u, chat) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "this chat is not in one of your services")
	}
	return chat, nil
}

// SupervisionView is one recorded supervision action.
type SupervisionView struct {
	UserID string    `json:"user_id"`
	User   string    `json:"user"`
	Action string    `json:"action"`
	At     time.Time `json:"at"`
	ChatID string    `json:"chat_id"`
}

// recordSupervision stores the action and tells the supervisors' pages.
func (s *Service) recordSupervision(ctx context.Context, u *parley.User, chat *parley.Chat, action string) error {
	a := &parley.SupervisionAction{TenantID: chat.TenantID, ChatID: chat.ID, UserID: u.ID, Action: action, At: s.Clock.Now()}
	if err := s.Store.AddSupervision(ctx, a); err != nil {
		return err
	}
	s.Logger.Info("supervision", slog.String("action", action), slog.String("chat", chat.ID), slog.String("by", u.Username))
	v := SupervisionView{UserID: u.ID, User: u.DisplayName, Action: action, At: a.At, ChatID: chat.ID}
	// No AgentID: only supervisors' streams show it.
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventSupervision, ChatID: chat.ID, Data: mustJSON(v)})
}

// Supervisions lists a chat's recorded supervision actions.
func (s *Service) Supervisions(ctx context.Context, u *parley.User, chatID string) ([]SupervisionView, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	acts, err := s.Store.Supervisions(ctx, chat.TenantID, chat.ID)
	if err != nil {
		return nil, err
	}
	out := make([]SupervisionView, 0, len(acts))
	names := map[string]string{}
	for _, a := range acts {
		name, ok := names[a.UserID]
		if !ok {
			if usr, err := s.Store.User(ctx, a.UserID); err == nil {
				name = usr.DisplayName
			}
			names[a.UserID] = name
		}
		out = append(out, SupervisionView{UserID: a.UserID, User: name, Action: a.Action, At: a.At, ChatID: a.ChatID})
	}
	return out, nil
}

// MonitorView is what a supervisor watching a chat sees first; the live
// stream brings the rest.
type MonitorView struct {
	Chat     *ChatView      `json:"chat"`
	Messages []*MessageView `json:"messages"`
	// Joined tells whether the supervisor barged in (and may write).
	Joined bool `json:"joined"`
}

// Monitor opens a live chat for u read-only (silent monitoring) and
// records it. ECONFLICT for a closed chat: its transcript is read instead.
func (s *Service) Monitor(ctx context.Context, u *parley.User, chatID string) (*MonitorView, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if chat.State == parley.ChatClosed {
		return nil, parley.Errorf(parley.ECONFLICT, "the chat is closed: open its transcript instead")
	}
	cv, err := s.ViewChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.Messages(ctx, chat.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("messages of chat %s: %w", chat.ID, err)
	}
	v := &MonitorView{Chat: cv, Messages: s.ViewMessages(ctx, msgs), Joined: s.participant(ctx, chat.ID, u.ID)}
	if err := s.recordSupervision(ctx, u, chat, parley.SuperviseMonitor); err != nil {
		return nil, err
	}
	return v, nil
}

// Whisper writes to a chat's agent (and conference guests): stored in the
// transcript as a whisper, shown on their desktops and the supervisors'
// pages, never sent to the customer.
func (s *Service) Whisper(ctx context.Context, u *parley.User, chatID, text string) (*parley.Message, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, parley.Errorf(parley.EINVALID, "whisper text is empty")
	case utf8.RuneCountInString(text) > maxReplyRunes:
		return nil, parley.Errorf(parley.EINVALID, "whisper is too long (at most %d characters)", maxReplyRunes)
	}
	if _, err := s.SupervisedChat(ctx, u, chatID); err != nil {
		return nil, err
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	if chat.State != parley.ChatAssigned {
		return nil, parley.Errorf(parley.ECONFLICT, "the chat is not with an agent: nobody would read the whisper")
	}
	m := &parley.Message{TenantID: chat.TenantID, ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderSupervisor,
		AgentID: u.ID, Kind: parley.KindWhisper, Text: text, Status: parley.MsgReceived}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return nil, err
	}
	// Like emitMessage, but internal: no outgoing webhook carries a whisper.
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventMessage, ChatID: chat.ID, AgentID: chat.AgentID,
		Data: mustJSON(s.ViewMessage(ctx, m))}); err != nil {
		return nil, err
	}
	return m, s.recordSupervision(ctx, u, chat, parley.SuperviseWhisper)
}

// Barge brings the supervisor into the chat as a conference participant:
// she then writes to the customer like the agent (Reply) and leaves with
// CloseByAgent, as a guest does.
func (s *Service) Barge(ctx context.Context, u *parley.User, chatID string) error {
	if _, err := s.SupervisedChat(ctx, u, chatID); err != nil {
		return err
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return err
	}
	defer unlock()
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return err
	}
	if err := s.Store.BargeIn(ctx, chat.ID, u.ID, s.Clock.Now()); err != nil {
		return err
	}
	if err := s.note(ctx, chat, u.DisplayName+" (supervisor) joined the conversation."); err != nil {
		return err
	}
	data := mustJSON(map[string]any{"chat_id": chat.ID, "agent_id": u.ID, "by": u.ID, "joined": true, "barge": true})
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventConference, ChatID: chat.ID, AgentID: chat.AgentID, Data: data}); err != nil {
		return err
	}
	return s.recordSupervision(ctx, u, chat, parley.SuperviseBarge)
}
