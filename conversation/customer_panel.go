package conversation

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// The desktop's customer panel (issue 10): who the customer is, what the
// scenario collected, their contact fields, and their earlier chats with
// wrap-ups, each opening a read-only transcript. History access: an agent
// may read the earlier chats of a customer they are serving now.

// CustomerPanel is what the desktop shows beside a chat.
type CustomerPanel struct {
	Customer CustomerView `json:"customer"`
	Channel  string       `json:"channel"` // the account type (facebook, telegram, …)
	Account  string       `json:"account"`
	Page     string       `json:"page"`
	// Vars are the variables the scenario collected (Ask answers, ref,
	// HTTP Request results); internal ones are left out.
	Vars    map[string]string       `json:"vars"`
	Contact *parley.CustomerContact `json:"contact"`
	Earlier []HistoryEntry          `json:"earlier_chats"`
}

// HistoryEntry is one of a customer's chats in their history.
type HistoryEntry struct {
	ID          string     `json:"id"`
	State       string     `json:"state"`
	Service     string     `json:"service,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Messages    int        `json:"messages"`
	Last        string     `json:"last,omitempty"`
	Disposition string     `json:"disposition,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	NotesBy     string     `json:"notes_by,omitempty"`
}

// historyLimit bounds the earlier chats a panel lists.
const historyLimit = 20

// CustomerPanel returns the panel of a chat u may work on.
func (s *Service) CustomerPanel(ctx context.Context, u *parley.User, chatID string) (*CustomerPanel, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return nil, err
	}
	p := &CustomerPanel{Customer: CustomerView{ID: cust.ID, Name: cust.DisplayName(), ProfilePic: cust.ProfilePic},
		Channel: acct.Type, Account: acct.Name, Page: acct.PageUsername, Vars: visibleVars(chat.Scenario.Vars), Earlier: []HistoryEntry{}}
	if p.Page == "" {
		p.Page = acct.Name
	}
	if p.Vars == nil {
		p.Vars = map[string]string{}
	}
	if p.Contact, err = s.Store.CustomerContact(ctx, cust.ID); err != nil {
		return nil, err
	}
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: chat.TenantID, CustomerID: cust.ID, Limit: historyLimit + 1})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(chats))
	for _, c := range chats {
		ids = append(ids, c.ID)
	}
	wraps, err := s.Store.WrapUps(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range chats {
		if c.ID == chat.ID {
			continue
		}
		e := HistoryEntry{ID: c.ID, State: c.State, CreatedAt: c.CreatedAt, ClosedAt: optTime(c.ClosedAt)}
		if c.ServiceID != "" {
			if _, ok := names[c.ServiceID]; !ok {
				if svc, err := s.Store.Service(ctx, c.ServiceID); err == nil {
					names[c.ServiceID] = svc.Name
				}
			}
			e.Service = names[c.ServiceID]
		}
		if msgs, err := s.Store.Messages(ctx, c.ID, 0); err == nil {
			e.Messages = len(msgs)
			for i := len(msgs) - 1; i >= 0; i-- {
				if msgs[i].Sender == parley.SenderCustomer {
					e.Last = msgs[i].Text
					break
				}
			}
		}
		if w := wraps[c.ID]; w != nil {
			e.Disposition, e.Notes = w.Disposition, w.Notes
			if a, err := s.Store.User(ctx, w.AgentID); err == nil {
				e.NotesBy = a.DisplayName
			}
		}
		p.Earlier = append(p.Earlier, e)
		if len(p.Earlier) == historyLimit {
			break
		}
	}
	return p, nil
}

// HistoryChat returns a chat u may read: supervisors and admins any chat
// of their tenant; an agent a chat they may work on (AgentChat) or an
// earlier chat of a customer they are serving now. Anything else is
// EFORBIDDEN.
func (s *Service) HistoryChat(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if parley.ErrorCode(err) != parley.EFORBIDDEN {
		return chat, err
	}
	chat, err = s.Store.Chat(ctx, chatID)
	if err != nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "chat not found")
	}
	for cursor := ""; ; {
		page, err := s.ChatsFor(ctx, u, true, cursor, 0)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Chats {
			if v.Customer.ID == chat.CustomerID && v.State == parley.ChatAssigned {
				return chat, nil
			}
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	return nil, parley.Errorf(parley.EFORBIDDEN, "you may read the earlier chats only of a customer you are serving now")
}

// HistoryTranscript is a chat's full read-only transcript with its wrap-up.
type HistoryTranscript struct {
	Chat     *ChatView      `json:"chat"`
	Messages []*MessageView `json:"messages"`
	WrapUp   *WrapUpView    `json:"wrapup"`
	ReadOnly bool           `json:"read_only"`
}

// HistoryTranscript returns a chat's transcript for u (HistoryChat's rules). It
// is read only unless the chat is connected to u.
func (s *Service) HistoryTranscript(ctx context.Context, u *parley.User, chatID string) (*HistoryTranscript, error) {
	chat, err := s.HistoryChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	v, err := s.ViewChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.Messages(ctx, chat.ID, 0)
	if err != nil {
		return nil, err
	}
	t := &HistoryTranscript{Chat: v, Messages: s.ViewMessages(ctx, msgs),
		ReadOnly: !(chat.State == parley.ChatAssigned && (chat.AgentID == u.ID || s.participant(ctx, chat.ID, u.ID)))}
	if t.WrapUp, err = s.wrapUpView(ctx, chat); err != nil {
		return nil, err
	}
	return t, nil
}

// ContactRequest replaces a customer's contact fields.
type ContactRequest struct {
	Email  string            `json:"email"`
	Phone  string            `json:"phone"`
	Fields map[string]string `json:"fields"`
}

var (
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phoneRE = regexp.MustCompile(`^\+?[0-9 ()./-]{3,30}$`)
	fieldRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// SaveContact stores the contact fields of the customer of a chat u may
// work on (not one only offered to them).
func (s *Service) SaveContact(ctx context.Context, u *parley.User, chatID string, req ContactRequest) (*parley.CustomerContact, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if u.Role == parley.RoleAgent && chat.AgentID != u.ID && !s.participant(ctx, chat.ID, u.ID) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "this chat is not assigned to you")
	}
	c := &parley.CustomerContact{CustomerID: chat.CustomerID, TenantID: chat.TenantID,
		Email: strings.TrimSpace(req.Email), Phone: strings.TrimSpace(req.Phone), Fields: map[string]string{}}
	switch {
	case c.Email != "" && (len(c.Email) > 254 || !emailRE.MatchString(c.Email)):
		return nil, parley.Errorf(parley.EINVALID, "%q is not an email address", c.Email)
	case c.Phone != "" && !phoneRE.MatchString(c.Phone):
		return nil, parley.Errorf(parley.EINVALID, "%q is not a phone number", c.Phone)
	case len(req.Fields) > 20:
		return nil, parley.Errorf(parley.EINVALID, "at most 20 fields")
	}
	for k, v := range req.Fields {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !fieldRE.MatchString(k):
			return nil, parley.Errorf(parley.EINVALID, "field name %q: lower-case letters, digits and _, starting with a letter", k)
		case utf8.RuneCountInString(v) > 500:
			return nil, parley.Errorf(parley.EINVALID, "field %s is longer than 500 characters", k)
		case v != "":
			c.Fields[k] = v
		}
	}
	if err := s.Store.SaveCustomerContact(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// ScreenPop is the page a service opens when an agent accepts a chat.
type ScreenPop struct {
	URL  string `json:"url"`            // empty: the service has none
	Mode string `json:"mode,omitempty"` // panel or tab
}

// ScreenPop fills the screen pop template of a chat's service with the
// chat's variables, each URL-encoded.
func (s *Service) ScreenPop(ctx context.Context, u *parley.User, chatID string) (*ScreenPop, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	desk, err := s.Store.ServiceDesk(ctx, chat.ServiceID)
	if err != nil || desk.ScreenPopURL == "" {
		return &ScreenPop{}, err
	}
	vars, err := s.chatVariables(ctx, chat, u)
	if err != nil {
		return nil, err
	}
	mode := desk.ScreenPopMode
	if mode == "" {
		mode = parley.ScreenPopPanel
	}
	return &ScreenPop{URL: FillURL(desk.ScreenPopURL, vars), Mode: mode}, nil
}

// FillURL replaces each $(name) of an http(s) URL template with
// vars[name], URL-encoded (unknown names become "").
func FillURL(tmpl string, vars map[string]string) string {
	escaped := make(map[string]string, len(vars))
	for k, v := range vars {
		escaped[k] = url.QueryEscape(v)
	}
	return scenario.Expand(tmpl, escaped)
}

// ServiceDesk returns a service's desktop settings (supervisors, admins).
func (s *Service) ServiceDesk(ctx context.Context, u *parley.User, serviceID string) (parley.ServiceDesk, error) {
	svc, err := s.Store.Service(ctx, serviceID)
	if err != nil || svc.TenantID != u.TenantID {
		return parley.ServiceDesk{}, parley.Errorf(parley.ENOTFOUND, "service not found")
	}
	return s.Store.ServiceDesk(ctx, serviceID)
}

// SetServiceDesk changes a service's dispositions and screen pop
// (supervisors, admins). A screen pop that is not http(s) is refused.
func (s *Service) SetServiceDesk(ctx context.Context, u *parley.User, serviceID string, d parley.ServiceDesk) error {
	if !manager(u) {
		return parley.Errorf(parley.EFORBIDDEN, "only supervisors and admins change a service's settings")
	}
	if _, err := s.ServiceDesk(ctx, u, serviceID); err != nil {
		return err
	}
	if scope := SupervisorScope(u); scope != nil && !slices.Contains(scope, serviceID) {
		return parley.Errorf(parley.EFORBIDDEN, "you supervise other services than this one")
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return s.Store.SetServiceDesk(ctx, serviceID, d)
}

// ScreenPopOrigins lists the origins of the tenant's screen pops shown in
// the desktop's panel, so the desktop's page may frame them.
func (s *Service) ScreenPopOrigins(ctx context.Context, u *parley.User) ([]string, error) {
	svcs, err := s.Store.Services(ctx, u.TenantID)
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	var out []string
	for _, svc := range svcs {
		d, err := s.Store.ServiceDesk(ctx, svc.ID)
		if err != nil {
			return nil, fmt.Errorf("desk of service %s: %w", svc.Name, err)
		}
		if d.ScreenPopURL == "" || d.ScreenPopMode == parley.ScreenPopTab {
			continue
		}
		// The template's $(variables) sit in the path and query, never in
		// the scheme and host (ValidateScreenPopURL): "scheme://host" is
		// its first three slash-separated parts.
		parts := strings.SplitN(d.ScreenPopURL, "/", 4)
		if len(parts) < 3 {
			continue
		}
		if origin := strings.ToLower(parts[0] + "//" + parts[2]); !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	return out, nil
}
