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

// ChatFilter selects chats. Zero fields do not filter.
type ChatFilter struct {
	TenantID   string
	AgentID    string
	CustomerID string
	States     []string
	Limit      int
}
