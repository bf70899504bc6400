package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// An agent or supervisor starts a chat to a known customer from a service
// whose outbound chat account is set (config: services[].chat_accounts),
// within the account's messaging policy (the channel's Reach).

// maxCustomerMatches bounds a customer search: the dialog shows a short
// list and the agent narrows it by typing.
const maxCustomerMatches = 20

// OutboundService is a service a user may start chats from.
type OutboundService struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Channel     string `json:"channel"`
}

// CustomerMatchView is a customer as the New chat dialog lists them.
type CustomerMatchView struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Channel       string       `json:"channel"`
	LastMessageAt *time.Time   `json:"last_message_at,omitempty"`
	OpenChat      bool         `json:"open_chat"`
	Reach         parley.Reach `json:"reach"`
	// Reachable: an agent may write first now (Reach allows an agent).
	Reachable bool `json:"reachable"`
	// Refusal says why not, when not reachable.
	Refusal string `json:"refusal,omitempty"`
}

// StartChatRequest is what an agent sends to start a chat.
type StartChatRequest struct {
	ServiceID  string `json:"service_id"`
	CustomerID string `json:"customer_id"`
	Text       string `json:"text"`
	ClientID   string `json:"client_id"`
}

// mayStartIn reports whether u may start chats of service id: agents in
// the services they belong to, supervisors in those they supervise,
// admins in every one.
func mayStartIn(u *parley.User, serviceID string) bool {
	switch u.Role {
	case parley.RoleAgent:
		return slices.Contains(u.ServiceIDs, serviceID)
	case parley.RoleSupervisor:
		return inScope(u, &parley.Chat{ServiceID: serviceID})
	}
	return u.Role == parley.RoleAdmin
}

// OutboundServices lists the services u may start chats from: theirs
// that have an outbound chat account.
func (s *Service) OutboundServices(ctx context.Context, u *parley.User) ([]OutboundService, error) {
	svcs, err := s.Store.Services(ctx, u.TenantID)
	if err != nil {
		return nil, fmt.Errorf("outbound services: %w", err)
	}
	out := []OutboundService{}
	for _, svc := range svcs {
		if !mayStartIn(u, svc.ID) {
			continue
		}
		acct, err := s.outboundAccount(ctx, svc)
		if parley.ErrorCode(err) == parley.EINVALID {
			continue // no outbound account
		} else if err != nil {
			return nil, err
		}
		out = append(out, OutboundService{ID: svc.ID, Name: svc.Name, AccountID: acct.ID, AccountName: acct.Name, Channel: acct.Type})
	}
	return out, nil
}

// outboundService loads a service u may start chats from, with its
// outbound account.
func (s *Service) outboundService(ctx context.Context, u *parley.User, serviceID string) (*parley.Service, *parley.Account, error) {
	if serviceID == "" {
		return nil, nil, parley.Errorf(parley.EINVALID, "service_id required")
	}
	svc, err := s.Store.Service(ctx, serviceID)
	if err != nil || svc.TenantID != u.TenantID {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "service not found")
	}
	if !mayStartIn(u, svc.ID) {
		return nil, nil, parley.Errorf(parley.EFORBIDDEN, "you may start chats only in your own services; %s is not one", svc.Name)
	}
	acct, err := s.outboundAccount(ctx, svc)
	if err != nil {
		return nil, nil, err
	}
	return svc, acct, nil
}

// outboundAccount is the service's outbound chat account; EINVALID when
// it has none.
func (s *Service) outboundAccount(ctx context.Context, svc *parley.Service) (*parley.Account, error) {
	id, err := s.Store.ServiceChatAccount(ctx, svc.ID)
	if err != nil {
		return nil, fmt.Errorf("outbound account of service %s: %w", svc.Name, err)
	}
	if id == "" {
		return nil, parley.Errorf(parley.EINVALID, "service %s has no outbound chat account", svc.Name)
	}
	acct, err := s.Store.Account(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && acct.TenantID != svc.TenantID {
		return nil, parley.Errorf(parley.EINVALID, "service %s has no outbound chat account", svc.Name)
	} else if err != nil {
		return nil, fmt.Errorf("outbound account of service %s: %w", svc.Name, err)
	}
	return acct, nil
}

// SearchCustomers finds the known customers of a service's outbound
// account by name, with whether each can be written to now.
func (s *Service) SearchCustomers(ctx context.Context, u *parley.User, serviceID, query string) ([]CustomerMatchView, error) {
	_, acct, err := s.outboundService(ctx, u, serviceID)
	if err != nil {
		return nil, err
	}
	matches, err := s.Store.SearchCustomers(ctx, acct.ID, query, maxCustomerMatches)
	if err != nil {
		return nil, err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	out := make([]CustomerMatchView, 0, len(matches))
	for _, m := range matches {
		c := m.Customer
		v := CustomerMatchView{ID: c.ID, Name: c.DisplayName(), Channel: acct.Type, OpenChat: m.OpenChat}
		if !c.LastMessageAt.IsZero() {
			at := c.LastMessageAt
			v.LastMessageAt = &at
		}
		v.Reach = ch.Reach(acct, c, now)
		v.Reachable = v.Reach.Allows(parley.SenderAgent)
		if !v.Reachable {
			v.Refusal = outOfReach(c, v.Reach, now)
		}
		out = append(out, v)
	}
	return out, nil
}

// StartChat opens a chat to a known customer on the service's outbound
// account, assigned to u, and queues u's first message. Everything is
// checked before anything is stored, so a refusal leaves no chat behind.
// A request sent again with the same client_id returns the chat it made.
func (s *Service) StartChat(ctx context.Context, u *parley.User, req StartChatRequest) (*parley.Chat, error) {
	text := strings.TrimSpace(req.Text)
	if err := checkReplyText(text); err != nil {
		return nil, err
	}
	svc, acct, err := s.outboundService(ctx, u, req.ServiceID)
	if err != nil {
		return nil, err
	}
	if !acct.Active {
		return nil, parley.Errorf(parley.ECONFLICT, "the account %s of service %s is inactive: its token was refused", acct.Name, svc.Name)
	}
	cust, err := s.Store.Customer(ctx, req.CustomerID)
	if err != nil || cust.TenantID != u.TenantID {
		return nil, parley.Errorf(parley.ENOTFOUND, "customer not found")
	}
	if cust.AccountID != acct.ID {
		return nil, parley.Errorf(parley.EINVALID, "%s is not a customer of %s, the outbound account of service %s", cust.DisplayName(), acct.Name, svc.Name)
	}
	if open, err := s.Store.OpenChat(ctx, cust.ID); err == nil {
		if again := s.sameStart(ctx, u, open, req.ClientID, text); again {
			return open, nil
		}
		return nil, parley.Errorf(parley.ECONFLICT, "%s already has an open chat", cust.DisplayName())
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	if r := ch.Reach(acct, cust, now); !r.Allows(parley.SenderAgent) {
		return nil, parley.Errorf(parley.ECONFLICT, "%s", outOfReach(cust, r, now))
	}
	chat := &parley.Chat{TenantID: u.TenantID, AccountID: acct.ID, CustomerID: cust.ID, ServiceID: svc.ID,
		AgentID: u.ID, State: parley.ChatAssigned, AssignedAt: now, CreatedAt: now}
	if err := s.Store.CreateChat(ctx, chat); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return nil, parley.Errorf(parley.ECONFLICT, "%s already has an open chat", cust.DisplayName())
		}
		return nil, err
	}
	s.Logger.Info("chat started by agent", slog.String("chat", chat.ID), slog.String("agent", u.Username), slog.String("service", svc.Name))
	if err := s.emitChat(ctx, parley.EventChatCreated, chat); err != nil {
		return nil, err
	}
	if err := s.emitChat(ctx, parley.EventChatAssigned, chat); err != nil {
		return nil, err
	}
	poke(s.routeWake) // the agent's load changed
	if _, err := s.ReplyOnce(ctx, u, chat.ID, text, req.ClientID); err != nil {
		return nil, fmt.Errorf("first message of chat %s: %w", chat.ID, err)
	}
	return s.Store.Chat(ctx, chat.ID)
}

// sameStart reports whether open is the chat an earlier StartChat of u
// with this client key made (a browser retrying a POST whose answer was
// lost).
func (s *Service) sameStart(ctx context.Context, u *parley.User, open *parley.Chat, key, text string) bool {
	if key == "" || open.AgentID != u.ID {
		return false
	}
	m, err := s.Store.MessageByClientKey(ctx, open.ID, key)
	return err == nil && m.AgentID == u.ID && m.Text == text
}

// outOfReach says why the customer cannot be written to first now, and
// since when they have been silent.
func outOfReach(c *parley.Customer, r parley.Reach, now time.Time) string {
	reason := r.Reason
	if reason == "" {
		reason = "the channel does not allow a business to write first now"
	}
	if c.LastMessageAt.IsZero() {
		return fmt.Sprintf("%s cannot be written to: %s", c.DisplayName(), reason)
	}
	return fmt.Sprintf("%s last wrote %s ago. %s", c.DisplayName(), ago(now.Sub(c.LastMessageAt)), reason)
}

// ago renders a duration the way people say it: "3 days", "5 hours".
func ago(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/time.Minute), "minute")
}
