package scenario

import (
	"context"
	"time"

	"github.com/parleycc/parley"
)

// Block is one step type of a scenario.
type Block interface {
	// Run executes the block for a chat that reached it.
	Run(ctx context.Context, x *Exec) (Step, error)
}

// Resumer is a block that waits: Resume is called with the signal it
// waited for.
type Resumer interface {
	Resume(ctx context.Context, x *Exec, sig Signal) (Step, error)
}

// Step is what a block asks the engine to do next.
type Step struct {
	Exit   string    // leave through this exit (DefaultExit if empty)
	Wait   string    // stay on this block until a signal of this kind
	WakeAt time.Time // with Wait: also resume with a timer signal then
	End    bool      // the scenario is over
}

// Signal kinds delivered to waiting blocks.
const (
	SigAgentFound = "agent_found" // routing assigned the chat
	SigChatEnded  = "chat_ended"  // the last agent left the chat
	SigInput      = "input"       // the customer wrote
	SigTimer      = "timer"       // the block's WakeAt passed
)

// Signal is an outside event for the block a chat is waiting on.
type Signal struct {
	Kind    string
	Text    string
	Payload string // a tapped quick reply's or button's payload
}

// Exec is the context of one chat running a scenario.
type Exec struct {
	Chat    *parley.Chat
	Vars    map[string]string
	Runtime Runtime
	Now     time.Time
	Block   string // id of the block being run
	exits   map[string]string
	// escalation is the scenario's, for the button its messages carry.
	escalation *Escalation
}

// HasExit reports whether the scenario wires the block's exit name to a
// block. Blocks skip optional outcomes nobody handles (Find Agent queues
// even when nobody is logged in if no_agents leads nowhere).
func (x *Exec) HasExit(name string) bool {
	_, ok := x.exits[name]
	return ok
}

// Runtime is what blocks may do to the outside world. Package
// conversation implements it over the store and the channels.
type Runtime interface {
	// Send queues a bot message to the chat's customer.
	Send(ctx context.Context, chat *parley.Chat, text string) error
	// Enqueue puts the chat in a service's queue for routing.
	Enqueue(ctx context.Context, chat *parley.Chat, service string, priority int) error
	// Close ends the chat.
	Close(ctx context.Context, chat *parley.Chat) error
}
