package parley

import "time"

// Chat states. A chat starts with the bot (its scenario), waits in a
// service's queue, is assigned to an agent, and is closed.
const (
	ChatBot      = "bot"
	ChatQueued   = "queued"
	ChatAssigned = "assigned"
	ChatClosed   = "closed"
)

// Chat is one interaction between a customer and the contact center.
type Chat struct {
	ID         string
	TenantID   string
	AccountID  string
	CustomerID string
	EntryID    string
	ServiceID  string // the queue it waits in or was served from
	AgentID    string // set while assigned
	State      string
	Priority   int
	QueuedAt   time.Time // place in queue; kept when re-queued
	AssignedAt time.Time
	ClosedAt   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Where the chat stands in its scenario; persisted at every step.
	Scenario ScenarioPosition
}

// ScenarioPosition is the durable state of a chat's scenario run.
type ScenarioPosition struct {
	Name    string            // scenario name
	Version int               // version the chat started on
	Block   string            // current block id; empty when finished
	Waiting string            // what the current block waits for; empty when runnable
	WakeAt  time.Time         // timer of the current block, if any
	Vars    map[string]string // scenario variables
}

// ScenarioStep is what one scenario step leaves behind: the chat's new
// position and the bot messages it queued (Store.SaveStep).
type ScenarioStep struct {
	ChatID   string
	Position ScenarioPosition
	// Messages are outbound messages of the chat, pending delivery.
	Messages []*Message
	// Announce, if set, makes the event that tells the desktops of a
	// message, once the message has its id and place; Events receives them.
	Announce func(*Message) *Event
	Events   []*Event
}

// ChatFilter selects chats. Zero fields do not filter.
type ChatFilter struct {
	TenantID   string
	AgentID    string
	CustomerID string
	States     []string
	// ServiceIDs, when set, keeps only chats of these services (a
	// supervisor's scope).
	ServiceIDs []string
	Limit      int
	// Before, when set, keeps only chats older than this one in the
	// list's order (created_at, then id, both descending): the cursor of
	// the next page.
	Before *ChatCursor
}

// ChatCursor is a place in a newest-first list of chats.
type ChatCursor struct {
	CreatedAt time.Time
	ID        string
}
