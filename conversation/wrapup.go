package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Wrap-up (issue 10): a disposition from the chat's service's list and
// free-text notes on every chat, stored with it (chat_wrapups), written
// into its transcript, and recorded as a disposition_set fact in its
// timeline in the same transaction (parley.DeskStore.SaveWrapUp), which
// is the hook reports use.

// maxWrapUpNotes bounds a chat's notes.
const maxWrapUpNotes = 4000

// WrapUpRequest sets a chat's disposition and notes (both replaced).
type WrapUpRequest struct {
	Disposition string `json:"disposition"`
	Notes       string `json:"notes"`
}

// WrapUpView is a chat's wrap-up with its service's choices.
type WrapUpView struct {
	WrapUp       parley.WrapUp `json:"wrapup"`
	AgentName    string        `json:"agent_name,omitempty"`
	Dispositions []string      `json:"dispositions"`
	Required     bool          `json:"disposition_required"`
	// ACWLimit is the service's After Chat Work limit in seconds (0: none).
	ACWLimit int `json:"acw_limit_seconds"`
}

// WrapUp returns a chat's wrap-up for a user who may read the chat.
func (s *Service) WrapUp(ctx context.Context, u *parley.User, chatID string) (*WrapUpView, error) {
	chat, err := s.HistoryChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	return s.wrapUpView(ctx, chat)
}

func (s *Service) wrapUpView(ctx context.Context, chat *parley.Chat) (*WrapUpView, error) {
	desk, err := s.Store.ServiceDesk(ctx, chat.ServiceID)
	if err != nil {
		return nil, err
	}
	v := &WrapUpView{WrapUp: parley.WrapUp{ChatID: chat.ID}, Dispositions: desk.Dispositions, Required: desk.DispositionRequired}
	if v.Dispositions == nil {
		v.Dispositions = []string{}
	}
	if rs, err := s.Store.ServiceRoutings(ctx, chat.TenantID); err == nil {
		v.ACWLimit = int(rs[chat.ServiceID].ACWLimit / time.Second)
	}
	ws, err := s.Store.WrapUps(ctx, []string{chat.ID})
	if err != nil {
		return nil, err
	}
	if w := ws[chat.ID]; w != nil {
		v.WrapUp = *w
		if a, err := s.Store.User(ctx, w.AgentID); err == nil {
			v.AgentName = a.DisplayName
		}
	}
	return v, nil
}

// mayWrapUp reports whether u may set a chat's wrap-up: supervisors and
// admins any chat of their tenant (a supervisor who belongs to services,
// any chat of those); an agent a chat connected to them, or one whose
// wrap-up they started (after closing it, in After Chat Work).
func (s *Service) mayWrapUp(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, *parley.WrapUp, error) {
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil || chat.TenantID != u.TenantID {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "chat not found")
	}
	ws, err := s.Store.WrapUps(ctx, []string{chat.ID})
	if err != nil {
		return nil, nil, err
	}
	old := ws[chat.ID]
	if (u.Role == parley.RoleAgent || !inScope(u, chat)) && !(chat.State == parley.ChatAssigned && (chat.AgentID == u.ID || s.participant(ctx, chat.ID, u.ID))) &&
		(old == nil || old.AgentID != u.ID) {
		return nil, nil, parley.Errorf(parley.EFORBIDDEN, "this chat is not yours to wrap up")
	}
	return chat, old, nil
}

// SaveWrapUp sets a chat's disposition and notes. The disposition must be
// one of the chat's service's; a new disposition is recorded as a fact.
func (s *Service) SaveWrapUp(ctx context.Context, u *parley.User, chatID string, req WrapUpRequest) (*WrapUpView, error) {
	chat, old, err := s.mayWrapUp(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if err := s.saveWrapUp(ctx, u, chat, old, req); err != nil {
		return nil, err
	}
	return s.wrapUpView(ctx, chat)
}

func (s *Service) saveWrapUp(ctx context.Context, u *parley.User, chat *parley.Chat, old *parley.WrapUp, req WrapUpRequest) error {
	req.Disposition, req.Notes = strings.TrimSpace(req.Disposition), strings.TrimSpace(req.Notes)
	if utf8.RuneCountInString(req.Notes) > maxWrapUpNotes {
		return parley.Errorf(parley.EINVALID, "notes are too long (at most %d characters)", maxWrapUpNotes)
	}
	desk, err := s.Store.ServiceDesk(ctx, chat.ServiceID)
	if err != nil {
		return err
	}
	if req.Disposition != "" && !slices.Contains(desk.Dispositions, req.Disposition) {
		if len(desk.Dispositions) == 0 {
			return parley.Errorf(parley.EINVALID, "this chat's service has no dispositions")
		}
		return parley.Errorf(parley.EINVALID, "unknown disposition %q: choose one of %s", req.Disposition, strings.Join(desk.Dispositions, ", "))
	}
	if old == nil {
		old = &parley.WrapUp{}
	}
	if old.AgentID == u.ID && old.Disposition == req.Disposition && old.Notes == req.Notes {
		return nil // nothing changed
	}
	w := &parley.WrapUp{ChatID: chat.ID, TenantID: chat.TenantID, CustomerID: chat.CustomerID,
		Disposition: req.Disposition, Notes: req.Notes, AgentID: u.ID}
	var fact *parley.Fact
	if req.Disposition != "" && req.Disposition != old.Disposition {
		fact = &parley.Fact{TenantID: chat.TenantID, ChatID: chat.ID, ServiceID: chat.ServiceID, AgentID: u.ID,
			Kind: parley.FactDispositionSet, At: s.Clock.Now(), Disposition: req.Disposition}
	}
	e := &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatWrapUp, ChatID: chat.ID, AgentID: u.ID,
		Data: mustJSON(map[string]string{"chat_id": chat.ID, "service_id": chat.ServiceID, "disposition": w.Disposition, "notes": w.Notes, "agent_id": u.ID})}
	if fact != nil {
		e.Hook = parley.HookDispositionSet // outgoing webhooks: a disposition was set
	}
	if err := s.Store.SaveWrapUp(ctx, w, fact, e); err != nil {
		return err
	}
	s.publish(ctx, e)
	if req.Disposition == old.Disposition && req.Notes == old.Notes {
		return nil // only the agent was recorded (a close without wrap-up)
	}
	text := u.DisplayName + " wrapped up the chat."
	if w.Disposition != "" {
		text += fmt.Sprintf(" Disposition: %s.", w.Disposition)
	}
	if w.Notes != "" {
		text += " Notes: " + w.Notes
	}
	return s.note(ctx, chat, text)
}

// requireDisposition refuses to end the agent's part of a chat whose
// service requires a disposition that was not set.
func (s *Service) requireDisposition(ctx context.Context, chat *parley.Chat, pending string) error {
	desk, err := s.Store.ServiceDesk(ctx, chat.ServiceID)
	if err != nil || !desk.DispositionRequired || pending != "" {
		return err
	}
	ws, err := s.Store.WrapUps(ctx, []string{chat.ID})
	if err != nil {
		return err
	}
	if w := ws[chat.ID]; w != nil && w.Disposition != "" {
		return nil
	}
	name := "this chat's service"
	if svc, err := s.Store.Service(ctx, chat.ServiceID); err == nil {
		name = svc.Name
	}
	return parley.Errorf(parley.ECONFLICT, "choose a disposition before closing: %s requires one (%s)", name, strings.Join(desk.Dispositions, ", "))
}

// CloseWithWrapUp saves the wrap-up given with a close (if any), then
// ends the agent's part of the chat (CloseByAgent). A required
// disposition still missing refuses the close before anything is written.
func (s *Service) CloseWithWrapUp(ctx context.Context, u *parley.User, chatID string, req *WrapUpRequest) error {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return err
	}
	owner := chat.State == parley.ChatAssigned && chat.AgentID == u.ID
	if owner {
		pending := ""
		if req != nil {
			pending = strings.TrimSpace(req.Disposition)
		}
		if err := s.requireDisposition(ctx, chat, pending); err != nil {
			return err
		}
		_, old, err := s.mayWrapUp(ctx, u, chatID)
		if err != nil {
			return err
		}
		r := WrapUpRequest{}
		switch {
		case req != nil:
			r = *req
		case old != nil:
			r = WrapUpRequest{Disposition: old.Disposition, Notes: old.Notes}
		}
		// The closing agent is recorded, so they may finish the wrap-up
		// in After Chat Work.
		if err := s.saveWrapUp(ctx, u, chat, old, r); err != nil {
			return err
		}
	}
	return s.CloseByAgent(ctx, u, chatID)
}
