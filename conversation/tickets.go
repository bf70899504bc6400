package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Limits of what a customer or agent writes on a ticket.
const (
	maxTicketSubject = 200
	maxTicketText    = 10000
)

// TicketForm is what the webview form shows: who it is for and, when
// the link was already used, the case it filed.
type TicketForm struct {
	Customer string
	Service  string
	Fields   []parley.TicketField // the service's extra questions, in order
	Filed    *parley.Ticket
}

// TicketFormInput is what the customer submits.
type TicketFormInput struct {
	Subject, Description string
	// Fields are the answers by field name; names the service does not
	// declare are ignored.
	Fields map[string]string
	// SignedRequest is Messenger Extensions' getContext signed_request,
	// when the page ran inside Messenger; it must vouch for the same PSID.
	SignedRequest string
}

// OpenTicketForm checks a form link (EFORBIDDEN when tampered with or
// expired) and describes the form.
func (s *Service) OpenTicketForm(ctx context.Context, token string) (*TicketForm, error) {
	c, chat, err := s.ticketLink(ctx, token)
	if err != nil {
		return nil, err
	}
	f := &TicketForm{Customer: "Customer"}
	if cust, err := s.Store.Customer(ctx, chat.CustomerID); err == nil {
		f.Customer = cust.DisplayName()
	}
	if chat.ServiceID != "" {
		if svc, err := s.Store.Service(ctx, chat.ServiceID); err == nil {
			f.Service, f.Fields = svc.Name, svc.TicketFields
		}
	}
	f.Filed, err = s.filedFrom(ctx, c)
	return f, err
}

// SubmitTicketForm files the customer's ticket from the form and lets
// the chat's scenario go on with the case number. A second submission of
// the same link returns the case the first one filed.
func (s *Service) SubmitTicketForm(ctx context.Context, token string, in TicketFormInput) (*parley.Ticket, error) {
	c, chat, err := s.ticketLink(ctx, token)
	if err != nil {
		return nil, err
	}
	if in.SignedRequest != "" {
		acct, cust, err := s.chatParties(ctx, chat)
		if err != nil {
			return nil, err
		}
		if psid, ok := verifySignedRequest(in.SignedRequest, acct.AppSecret); !ok || psid != cust.ExternalID {
			return nil, parley.Errorf(parley.EFORBIDDEN, "This form was opened for someone else's conversation.")
		}
	}
	in.Subject, in.Description = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Description)
	switch {
	case in.Subject == "":
		return nil, parley.Errorf(parley.EINVALID, "Please say in a few words what the problem is.")
	case utf8.RuneCountInString(in.Subject) > maxTicketSubject:
		return nil, parley.Errorf(parley.EINVALID, "The summary is too long: at most %d characters.", maxTicketSubject)
	case len(in.Description) > maxTicketText:
		return nil, parley.Errorf(parley.EINVALID, "The description is too long: at most %d characters.", maxTicketText)
	}
	fields, err := s.ticketFormAnswers(ctx, chat, in.Fields)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lockChat(ctx, chat.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if filed, err := s.filedFrom(ctx, c); err != nil || filed != nil {
		return filed, err
	}
	t := &parley.Ticket{TenantID: chat.TenantID, ServiceID: chat.ServiceID, ChatID: chat.ID, CustomerID: chat.CustomerID,
		Subject: in.Subject, Description: in.Description, Fields: fields, Status: parley.TicketNew}
	if err := s.Store.CreateTicket(ctx, t, &parley.TicketEntry{Kind: parley.TicketEntryCreated, Text: "Filed by the customer in the conversation"}); err != nil {
		return nil, err
	}
	sig := scenario.Signal{Kind: scenario.SigTicket, Text: fmt.Sprint(t.Number), Payload: t.ID}
	if err := s.signal(ctx, chat.ID, sig); err != nil { // under the chat's lock, taken above
		// The ticket is filed; the chat not moving on is logged, not
		// reported to the customer as a failure to file.
		s.Logger.Error("ticket filed but the chat's scenario did not continue", "chat", chat.ID, "ticket", t.ID, "err", err)
	}
	return t, nil
}

// ticketFormAnswers checks the answers to the chat's service's ticket
// fields (required ones, choices) and keeps the non-empty ones.
func (s *Service) ticketFormAnswers(ctx context.Context, chat *parley.Chat, posted map[string]string) (map[string]string, error) {
	if chat.ServiceID == "" {
		return nil, nil
	}
	svc, err := s.Store.Service(ctx, chat.ServiceID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil // the service was deleted since: nothing more to ask
	} else if err != nil {
		return nil, fmt.Errorf("ticket form: service of chat %s: %w", chat.ID, err)
	}
	var out map[string]string
	for _, f := range svc.TicketFields {
		v, err := f.Answer(posted[f.Name])
		if err != nil {
			return nil, err
		}
		if v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[f.Name] = v
		}
	}
	return out, nil
}

func (s *Service) ticketLink(ctx context.Context, token string) (*linkClaims, *parley.Chat, error) {
	c, err := s.openLink(ctx, token, linkTicketForm)
	if err != nil {
		return nil, nil, err
	}
	chat, err := s.Store.Chat(ctx, c.Chat)
	if parley.ErrorCode(err) == parley.ENOTFOUND || (err == nil && (chat.TenantID != c.Tenant || chat.CustomerID != c.Customer)) {
		return nil, nil, parley.Errorf(parley.EFORBIDDEN, "This link is not valid. Ask for a new one in the conversation.")
	} else if err != nil {
		return nil, nil, err
	}
	return c, chat, nil
}

// filedFrom is the ticket a form link already filed: the chat's ticket
// created since the link was issued.
func (s *Service) filedFrom(ctx context.Context, c *linkClaims) (*parley.Ticket, error) {
	list, _, err := s.Store.Tickets(ctx, parley.TicketFilter{TenantID: c.Tenant, ChatID: c.Chat, Limit: 20})
	if err != nil {
		return nil, err
	}
	issued := time.Unix(c.Issued, 0)
	for _, t := range list {
		if !t.CreatedAt.Before(issued) {
			return t, nil
		}
	}
	return nil, nil
}

// recordConsent stores a customer's follow-up answer on them and on the
// ticket, with a history line.
func (s *Service) recordConsent(ctx context.Context, tenantID, customerID, ticketID, consent string) error {
	if consent != parley.FollowUpYes && consent != parley.FollowUpNo {
		return parley.Errorf(parley.EINVALID, "follow-up consent must be yes or no")
	}
	if err := s.Store.SetCustomerFollowUp(ctx, customerID, consent); err != nil {
		return err
	}
	if ticketID == "" {
		return nil
	}
	t, err := s.Store.Ticket(ctx, tenantID, ticketID)
	if err != nil {
		return err
	}
	if t.CustomerID != customerID {
		return parley.Errorf(parley.EFORBIDDEN, "ticket %s is another customer's", ticketID)
	}
	from := t.FollowUp
	t.FollowUp = consent
	return s.Store.UpdateTicket(ctx, t, &parley.TicketEntry{Kind: parley.TicketEntryConsent, From: from, To: consent})
}

// TicketChange is an agent's edit of a ticket. Nil fields stay.
type TicketChange struct {
	Version    int
	Status     *string
	AssigneeID *string
	// Message, with a status change, is what the agent writes to the
	// customer about it (a follow-up a human wrote); empty: Parley's own
	// line about the new status.
	Message string
}

// Tickets lists the tickets u may see: agents and supervisors of some
// services see their services' tickets and those of none.
func (s *Service) Tickets(ctx context.Context, u *parley.User, f parley.TicketFilter) ([]*parley.Ticket, int, error) {
	f.TenantID = u.TenantID
	for _, st := range f.Statuses {
		if !parley.ValidTicketStatus(st) {
			return nil, 0, parley.Errorf(parley.EINVALID, "unknown ticket status %q (statuses: %s)", st, strings.Join(parley.TicketStatuses, ", "))
		}
	}
	scope, err := s.ticketScope(ctx, u)
	if err != nil {
		return nil, 0, err
	}
	f.Services = scope
	return s.Store.Tickets(ctx, f)
}

// Ticket returns one ticket u may see, with its history.
func (s *Service) Ticket(ctx context.Context, u *parley.User, id string) (*parley.Ticket, []*parley.TicketEntry, error) {
	t, err := s.visibleTicket(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	hist, err := s.Store.TicketEntries(ctx, u.TenantID, id)
	return t, hist, err
}

// AddTicketNote adds an internal note (never sent to the customer).
func (s *Service) AddTicketNote(ctx context.Context, u *parley.User, id, text string) (*parley.TicketEntry, error) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > maxTicketText {
		return nil, parley.Errorf(parley.EINVALID, "a note is 1 to %d characters", maxTicketText)
	}
	if _, err := s.visibleTicket(ctx, u, id); err != nil {
		return nil, err
	}
	e := &parley.TicketEntry{TicketID: id, Kind: parley.TicketEntryNote, AuthorID: u.ID, Text: text}
	return e, s.Store.AddTicketEntry(ctx, u.TenantID, e)
}

// UpdateTicket applies an agent's change. A status change tells the
// customer when they agreed to follow-ups, as far as the platform's
// policy allows: what the policy does not allow is recorded as not
// deliverable, never sent.
func (s *Service) UpdateTicket(ctx context.Context, u *parley.User, id string, ch TicketChange) (*parley.Ticket, error) {
	t, err := s.visibleTicket(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if ch.Version != 0 && ch.Version != t.Version {
		return nil, parley.Errorf(parley.ECONFLICT, "case #%d was changed by someone else (version %d, yours %d): reload it", t.Number, t.Version, ch.Version)
	}
	var entries []*parley.TicketEntry
	statusChanged := false
	if ch.Status != nil && *ch.Status != t.Status {
		if !parley.ValidTicketStatus(*ch.Status) {
			return nil, parley.Errorf(parley.EINVALID, "unknown ticket status %q (statuses: %s)", *ch.Status, strings.Join(parley.TicketStatuses, ", "))
		}
		entries = append(entries, &parley.TicketEntry{Kind: parley.TicketEntryStatus, AuthorID: u.ID, From: t.Status, To: *ch.Status})
		t.Status, statusChanged = *ch.Status, true
	}
	if ch.AssigneeID != nil && *ch.AssigneeID != t.AssigneeID {
		if *ch.AssigneeID != "" {
			a, err := s.Store.User(ctx, *ch.AssigneeID)
			if err != nil || a.TenantID != u.TenantID {
				return nil, parley.Errorf(parley.EINVALID, "unknown assignee %q", *ch.AssigneeID)
			}
		}
		entries = append(entries, &parley.TicketEntry{Kind: parley.TicketEntryAssignee, AuthorID: u.ID, From: t.AssigneeID, To: *ch.AssigneeID})
		t.AssigneeID = *ch.AssigneeID
	}
	if strings.TrimSpace(ch.Message) != "" && !statusChanged {
		return nil, parley.Errorf(parley.EINVALID, "a message to the customer goes with a change of status")
	}
	if len(entries) == 0 {
		return t, nil
	}
	if err := s.Store.UpdateTicket(ctx, t, entries...); err != nil {
		return nil, err
	}
	if statusChanged {
		if err := s.followUp(ctx, u, t, strings.TrimSpace(ch.Message)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// followUp tells the customer about a ticket's new status when they
// agreed to it: a message an agent wrote may use the human-agent window
// (7 days, when the page has it); Parley's own line only the 24-hour one.
func (s *Service) followUp(ctx context.Context, u *parley.User, t *parley.Ticket, text string) error {
	if t.FollowUp != parley.FollowUpYes || t.ChatID == "" {
		return nil
	}
	sender := parley.SenderAgent
	if text == "" {
		sender = parley.SenderBot
		text = fmt.Sprintf("An update on your case #%d (%s): it is now %s.", t.Number, t.Subject, ticketStatusWords[t.Status])
	}
	entry := &parley.TicketEntry{TicketID: t.ID, Kind: parley.TicketEntryFollowUp, AuthorID: u.ID, Text: text}
	chat, err := s.Store.Chat(ctx, t.ChatID)
	if err != nil {
		return err
	}
	reach, err := s.ChatReach(ctx, chat)
	if err != nil {
		return err
	}
	if !reach.Allows(sender) {
		entry.Kind, entry.Text = parley.TicketEntryBlocked, refusal(reach, sender)
		return s.Store.AddTicketEntry(ctx, t.TenantID, entry)
	}
	m := &parley.Message{Sender: sender, Text: text}
	if sender == parley.SenderAgent {
		m.AgentID = u.ID
	}
	if _, err := s.queueOutbound(ctx, chat, m); err != nil {
		if parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
		entry.Kind, entry.Text = parley.TicketEntryBlocked, "not sent: "+parley.ErrorMessage(err)
		return s.Store.AddTicketEntry(ctx, t.TenantID, entry)
	}
	entry.MessageID = m.ID
	return s.Store.AddTicketEntry(ctx, t.TenantID, entry)
}

var ticketStatusWords = map[string]string{
	parley.TicketNew: "new", parley.TicketOpen: "being worked on", parley.TicketPending: "waiting for more information",
	parley.TicketSolved: "solved", parley.TicketClosed: "closed",
}

// visibleTicket reads a ticket u may see (ENOTFOUND otherwise).
func (s *Service) visibleTicket(ctx context.Context, u *parley.User, id string) (*parley.Ticket, error) {
	t, err := s.Store.Ticket(ctx, u.TenantID, id)
	if err != nil {
		return nil, err
	}
	scope, err := s.ticketScope(ctx, u)
	if err != nil {
		return nil, err
	}
	if scope != nil && t.ServiceID != "" && !slices.Contains(scope, t.ServiceID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "ticket %s not found", id)
	}
	return t, nil
}

// ticketScope is the services whose tickets u sees: nil for admins and
// supervisors of everything; an agent's services; a scoped supervisor's.
func (s *Service) ticketScope(_ context.Context, u *parley.User) ([]string, error) {
	if supervisor(u) {
		return slices.Clone(SupervisorScope(u)), nil
	}
	ids := slices.Clone(u.ServiceIDs)
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}
