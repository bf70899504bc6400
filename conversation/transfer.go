package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
)

// maxNoteRunes bounds a transfer note.
const maxNoteRunes = 1000

// TransferRequest names where a chat goes: an agent (who is offered it) or
// a service (back in line with the chat's place and priority).
type TransferRequest struct {
	AgentID   string `json:"agent_id"`
	ServiceID string `json:"service_id"`
	Note      string `json:"note"`
}

// Transfer hands the agent's chat to another agent or service. The note
// goes into the transcript, so it travels with the chat, as do its
// variables and history.
func (s *Service) Transfer(ctx context.Context, u *parley.User, chatID string, req TransferRequest) error {
	req.Note = strings.TrimSpace(req.Note)
	if len([]rune(req.Note)) > maxNoteRunes {
		return parley.Errorf(parley.EINVALID, "the note is too long (at most %d characters)", maxNoteRunes)
	}
	if (req.AgentID == "") == (req.ServiceID == "") {
		return parley.Errorf(parley.EINVALID, "transfer to either an agent or a service")
	}
	chat, unlock, err := s.lockConnectedChat(ctx, u, chatID)
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return parley.Errorf(parley.ECONFLICT, "only the agent of a connected chat can transfer it")
	} else if err != nil {
		return err
	}
	defer unlock()
	if u.Role == parley.RoleAgent && chat.AgentID != u.ID {
		return parley.Errorf(parley.ECONFLICT, "only the agent of a connected chat can transfer it")
	}
	service := chat.ServiceID
	var to string
	if req.AgentID != "" {
		target, err := s.Store.User(ctx, req.AgentID)
		if err != nil || target.TenantID != u.TenantID {
			return parley.Errorf(parley.ENOTFOUND, "agent not found")
		}
		if target.ID == chat.AgentID {
			return parley.Errorf(parley.EINVALID, "the chat is already with %s", target.DisplayName)
		}
		if target.State != parley.StateReady {
			return parley.Errorf(parley.ECONFLICT, "%s is not ready", target.DisplayName)
		}
		to = target.DisplayName
	} else {
		svc, err := s.Store.Service(ctx, req.ServiceID)
		if err != nil || svc.TenantID != u.TenantID {
			return parley.Errorf(parley.ENOTFOUND, "service not found")
		}
		service, to = svc.ID, svc.Name
	}
	text := fmt.Sprintf("%s transferred the chat to %s.", u.DisplayName, to)
	if req.Note != "" {
		text += " Note: " + req.Note
	}
	from := chat.AgentID
	if err := s.Store.TransferChat(ctx, chat.ID, service, req.AgentID, req.Note, s.Clock.Now()); err != nil {
		return err
	}
	s.Logger.Info("chat transferred", slog.String("chat", chat.ID), slog.String("from", from), slog.String("to", to))
	if err := s.note(ctx, chat, text); err != nil {
		return err
	}
	return s.emitTransfer(ctx, chat, from, req, to)
}

func (s *Service) emitTransfer(ctx context.Context, chat *parley.Chat, from string, req TransferRequest, to string) error {
	data := mustJSON(map[string]string{"chat_id": chat.ID, "from": from, "to": to, "agent_id": req.AgentID,
		"service_id": req.ServiceID, "note": req.Note})
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatTransfer, ChatID: chat.ID, AgentID: from, Data: data,
		Hook: parley.HookChatTransferred}); err != nil {
		return err
	}
	// The previous agent's desktop drops the chat.
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID, AgentID: from,
		Data: mustJSON(map[string]string{"chat_id": chat.ID, "reason": "transferred"})})
}

// requeue puts an assigned chat back in its service's queue with its place
// (an absent agent's chats).
func (s *Service) requeue(ctx context.Context, chat *parley.Chat, target, text string) error {
	unlock, err := s.lockChat(ctx, chat.ID)
	if err != nil {
		return err
	}
	defer unlock()
	from := chat.AgentID
	if err := s.Store.RequeueChat(ctx, chat.ID, target, s.Clock.Now()); err != nil {
		return err
	}
	if err := s.note(ctx, chat, text); err != nil {
		return err
	}
	return s.emitTransfer(ctx, chat, from, TransferRequest{ServiceID: chat.ServiceID}, "the queue")
}

// Invite brings another agent into the chat: a conference. Both see and
// write; the customer sees one conversation.
func (s *Service) Invite(ctx context.Context, u *parley.User, chatID, agentID string) error {
	chat, unlock, err := s.lockConnectedChat(ctx, u, chatID)
	if err != nil {
		return err
	}
	defer unlock()
	guest, err := s.Store.User(ctx, agentID)
	if err != nil || guest.TenantID != u.TenantID {
		return parley.Errorf(parley.ENOTFOUND, "agent not found")
	}
	// A guest takes part like an assignment: Ready, within capacity.
	capacity := guest.Capacity
	if svc, err := s.Store.Service(ctx, chat.ServiceID); err == nil {
		capacity = routing.Capacity(routing.Agent{Capacity: guest.Capacity}, svc.MaxChatsPerAgent)
	}
	if err := s.Store.AddParticipant(ctx, chat.ID, guest.ID, capacity, s.Clock.Now()); err != nil {
		if parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
		switch {
		case guest.State != parley.StateReady:
			return parley.Errorf(parley.ECONFLICT, "%s is not ready", guest.DisplayName)
		case s.participant(ctx, chat.ID, guest.ID):
			return parley.Errorf(parley.ECONFLICT, "%s is already in the conversation", guest.DisplayName)
		}
		return parley.Errorf(parley.ECONFLICT, "%s has no room for another chat (at most %d)", guest.DisplayName, capacity)
	}
	if err := s.note(ctx, chat, fmt.Sprintf("%s invited %s into the conversation.", u.DisplayName, guest.DisplayName)); err != nil {
		return err
	}
	v, err := s.ViewChat(ctx, chat)
	if err != nil {
		return err
	}
	data := mustJSON(map[string]any{"chat_id": chat.ID, "agent_id": guest.ID, "by": u.ID, "joined": true})
	if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventConference, ChatID: chat.ID, AgentID: chat.AgentID, Data: data}); err != nil {
		return err
	}
	// The guest's desktop gets the chat like an assignment.
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatAssigned, ChatID: chat.ID, AgentID: guest.ID, Data: mustJSON(v)})
}

// LeaveConference ends a guest's part in a chat.
func (s *Service) LeaveConference(ctx context.Context, u *parley.User, chat *parley.Chat) error {
	if err := s.Store.RemoveParticipant(ctx, chat.ID, u.ID, s.Clock.Now()); err != nil {
		return err
	}
	if err := s.note(ctx, chat, u.DisplayName+" left the conversation."); err != nil {
		return err
	}
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID, AgentID: u.ID,
		Data: mustJSON(map[string]string{"chat_id": chat.ID, "reason": "left"})})
}

// endConference removes every guest when the owner ends their part.
func (s *Service) endConference(ctx context.Context, chat *parley.Chat) error {
	for _, id := range s.participants(ctx, chat.ID) {
		if err := s.Store.RemoveParticipant(ctx, chat.ID, id, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID, AgentID: id,
			Data: mustJSON(map[string]string{"chat_id": chat.ID})}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) participants(ctx context.Context, chatID string) []string {
	// The guests' table alone, not ChatRouting.
	guests, err := s.Store.ChatParticipants(ctx, []string{chatID})
	if err != nil {
		return nil
	}
	return guests[chatID]
}

func (s *Service) participant(ctx context.Context, chatID, agentID string) bool {
	return slices.Contains(s.participants(ctx, chatID), agentID)
}

func (s *Service) offeredTo(ctx context.Context, chat *parley.Chat, agentID string) bool {
	o, err := s.chatOffer(ctx, chat)
	return err == nil && o != nil && o.AgentID == agentID
}

// echoTo repeats a chat's event stored without copies (AppendEvents) for
// each of its conference guests, read already, so their desktops (which
// see only their own events) follow it too.
func (s *Service) echoTo(ctx context.Context, e *parley.Event, participants []string) error {
	for _, id := range participants {
		if id == e.AgentID {
			continue
		}
		cp := &parley.Event{TenantID: e.TenantID, Type: e.Type, ChatID: e.ChatID, AgentID: id, Data: e.Data}
		if err := s.Store.AppendEvent(ctx, cp); err != nil {
			return err
		}
		s.publish(ctx, cp)
	}
	return nil
}

// note adds a line to the transcript that only agents see.
func (s *Service) note(ctx context.Context, chat *parley.Chat, text string) error {
	m := &parley.Message{TenantID: chat.TenantID, ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderSystem,
		Kind: parley.KindEvent, Text: text, Status: parley.MsgReceived}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return err
	}
	c, err := s.Store.Chat(ctx, chat.ID)
	if err != nil {
		return err
	}
	return s.emitMessage(ctx, c, m)
}

// startWrapUp puts the agent in After Chat Work when the chat's service
// has a wrap-up limit and the agent was Ready.
func (s *Service) startWrapUp(ctx context.Context, chat *parley.Chat) error {
	settings, err := s.Store.ServiceRoutings(ctx, chat.TenantID)
	if err != nil {
		return err
	}
	limit := settings[chat.ServiceID].ACWLimit
	if limit <= 0 || chat.AgentID == "" {
		return nil
	}
	u, err := s.Store.User(ctx, chat.AgentID)
	if err != nil || u.State != parley.StateReady {
		return err
	}
	return s.setStatus(ctx, u.ID, parley.StateACW, "", s.Clock.Now().Add(limit))
}

// SetPriority overrides the priority of an open chat (supervisors); a
// queued chat moves in line at once.
func (s *Service) SetPriority(ctx context.Context, u *parley.User, chatID string, priority int) error {
	if u.Role != parley.RoleSupervisor && u.Role != parley.RoleAdmin {
		return parley.Errorf(parley.EFORBIDDEN, "only supervisors can change priorities")
	}
	chat, err := s.SupervisedChat(ctx, u, chatID) // of her tenant and services
	if err != nil {
		return err
	}
	if priority < -100 || priority > 100 {
		return parley.Errorf(parley.EINVALID, "priority must be between -100 and 100")
	}
	if err := s.Store.SetChatPriority(ctx, chatID, priority); err != nil {
		return err
	}
	chat.Priority = priority
	s.Logger.Info("priority override", slog.String("chat", chatID), slog.Int("priority", priority), slog.String("by", u.Username))
	return s.emitChat(ctx, parley.EventChatUpdated, chat)
}

// FinishWrapUp ends the agent's After Chat Work early.
func (s *Service) FinishWrapUp(ctx context.Context, u *parley.User) error {
	return s.setStatus(ctx, u.ID, parley.StateReady, "", time.Time{})
}
