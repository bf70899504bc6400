package parley

import (
	"context"
	"time"
)

// Ticket is a customer's case that outlives a chat: what a bot could not
// answer, filed by the customer in the webview form or by an agent, and
// worked by agents until solved. Its Number is the case number the
// customer is told (per tenant, from 1).
type Ticket struct {
	ID          string
	TenantID    string
	Number      int64
	ServiceID   string // "" when filed outside any service
	ChatID      string // the chat it was filed from; "" if none
	CustomerID  string
	Subject     string
	Description string
	Fields      map[string]string // the service's extra form fields
	Status      string            // Ticket* status
	AssigneeID  string            // the user working it; "" for nobody
	// FollowUp is the customer's answer to "may we message you about
	// this case?": FollowUpYes, FollowUpNo, or "" when not asked.
	FollowUp  string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts saved changes from 1; an update names the version it
	// was read at (ECONFLICT if another change came first).
	Version int
}

// Ticket statuses, in the order a case usually moves through them.
const (
	TicketNew     = "new"
	TicketOpen    = "open"
	TicketPending = "pending" // waiting for the customer or a third party
	TicketSolved  = "solved"
	TicketClosed  = "closed"
)

// TicketStatuses lists every status.
var TicketStatuses = []string{TicketNew, TicketOpen, TicketPending, TicketSolved, TicketClosed}

// ValidTicketStatus reports whether s is a ticket status.
func ValidTicketStatus(s string) bool {
	for _, v := range TicketStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Follow-up consent answers.
const (
	FollowUpYes = "yes"
	FollowUpNo  = "no"
)

// TicketEntry is one line of a ticket's history: its creation, a change
// of status or assignee, an internal note, a consent answer or a
// follow-up to the customer (sent, or why it could not be).
type TicketEntry struct {
	ID       int64
	TicketID string
	Kind     string // TicketEntry* kind
	AuthorID string // the user; "" for the customer or the system
	From, To string // the old and new value of a change
	Text     string // a note, a follow-up's text, or why it was not delivered
	// MessageID is the follow-up's outbound message, when it was queued.
	MessageID string
	At        time.Time
}

// Ticket entry kinds.
const (
	TicketEntryCreated  = "created"
	TicketEntryStatus   = "status"
	TicketEntryAssignee = "assignee"
	TicketEntryNote     = "note"
	TicketEntryConsent  = "consent"
	TicketEntryFollowUp = "follow_up"       // queued to the customer
	TicketEntryBlocked  = "not_deliverable" // a follow-up the policy did not allow
)

// TicketFilter selects a page of a tenant's tickets, newest change first.
type TicketFilter struct {
	TenantID   string
	Statuses   []string // any of these; none: every status
	AssigneeID string
	CustomerID string
	ChatID     string
	Services   []string // a scoped supervisor's services: tickets of these (or of none)
	Number     int64    // this case number only
	Limit      int
	Offset     int
}

// TicketStore keeps tickets and their history.
type TicketStore interface {
	// CreateTicket stores t with its next case number and first history
	// entry; it sets ID, Number, times and Version.
	CreateTicket(ctx context.Context, t *Ticket, first *TicketEntry) error
	Ticket(ctx context.Context, tenantID, id string) (*Ticket, error)
	// Tickets returns one page of the filter's tickets and their total.
	Tickets(ctx context.Context, f TicketFilter) ([]*Ticket, int, error)
	// UpdateTicket saves t if t.Version is the stored one (else
	// ECONFLICT), with the entries that record the change, in one
	// transaction; it sets the new Version and UpdatedAt.
	UpdateTicket(ctx context.Context, t *Ticket, entries ...*TicketEntry) error
	// AddTicketEntry appends to a ticket's history (notes, follow-ups).
	AddTicketEntry(ctx context.Context, tenantID string, e *TicketEntry) error
	TicketEntries(ctx context.Context, tenantID, ticketID string) ([]*TicketEntry, error)
	// SetCustomerFollowUp records a customer's follow-up consent.
	SetCustomerFollowUp(ctx context.Context, customerID, consent string) error
	// RecordOffers notes articles offered in a chat (the first offer of
	// each counts).
	RecordOffers(ctx context.Context, tenantID, chatID string, articleIDs []string, at time.Time) error
	// MarkOffer records that the customer opened an offered article
	// (OfferOpened) or said it answered them (OfferHelped), the first time.
	MarkOffer(ctx context.Context, tenantID, chatID, articleID, what string, at time.Time) error
	// SelfServiceChats lists the chats offered articles in [from, to).
	SelfServiceChats(ctx context.Context, tenantID string, from, to time.Time) ([]*SelfServiceChat, error)
	// LinkKey is the tenant's key for signing links it gives customers
	// (the webview ticket form), made on first use.
	LinkKey(ctx context.Context, tenantID string) ([]byte, error)
}

// What a customer did with an offered article.
const (
	OfferOpened = "opened"
	OfferHelped = "helped"
)

// SelfServiceChat is a chat that was offered knowledge base articles, as
// the self-service report reads it.
type SelfServiceChat struct {
	ChatID    string
	ServiceID string
	Closed    bool // the chat has ended
	Agent     bool // an agent accepted it at some point
	Tickets   int  // tickets filed from it
	Offers    []ArticleOffer
}

// ArticleOffer is one article offered in a chat.
type ArticleOffer struct {
	ArticleID      string
	Opened, Helped bool
}
