package parley

import (
	"context"
	"encoding/json"
	"time"
)

// Event types shown live in the web UI.
const (
	EventChatCreated  = "chat.created"
	EventChatAssigned = "chat.assigned"
	EventChatUpdated  = "chat.updated"
	EventChatClosed   = "chat.closed"
	EventMessage      = "message"
	EventAgentState   = "agent.state"
	// EventCustomerTyping: the customer is writing (channels that tell,
	// the web chat widget). Desktops show it for a few seconds.
	EventCustomerTyping = "customer.typing"
)

// Event is something that happened, kept in an ordered log so a browser that
// reconnects resumes exactly after the last event it saw.
type Event struct {
	ID        int64 // ascending per store; assigned on append
	TenantID  string
	Type      string
	ChatID    string
	AgentID   string // the agent it concerns, if any
	Data      json.RawMessage
	CreatedAt time.Time
	// Hook is the event's public name (parley.Hook*) when it is news for
	// integrators: outgoing webhooks deliver these only. Copies made for
	// each desktop that follows a chat, and internal events, have none.
	Hook string
	// Copies are the copies for the chat's conference guests that were
	// stored with the event in its transaction (the stores that announce
	// a change: Store.AddMessageAnnounced and the like), so the guests'
	// desktops follow the chat too. Not stored: the copies are events of
	// their own.
	Copies []*Event
}

// ForGuests reports whether the event of a chat is repeated for each of
// its conference guests (whose desktops see their own events only). A
// conference or a closed chat has events of its own for each agent.
func (e *Event) ForGuests() bool {
	return e.ChatID != "" && e.Type != EventConference && e.Type != EventChatClosed
}

// Bus wakes up listeners when events are appended, on this node or others.
// It carries notifications only; the event log in the store is the truth.
type Bus interface {
	// Publish tells subscribers of tenantID that events up to id exist.
	Publish(ctx context.Context, tenantID string, id int64) error
	// Subscribe returns a channel of event ids for tenantID and a function
	// that ends the subscription. Slow subscribers may miss notifications
	// and must re-read the log; they never block publishers.
	Subscribe(tenantID string) (<-chan int64, func())
}
