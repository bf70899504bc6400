package scenario

import (
	"context"
	"net/http"
	"time"

	"github.com/parleycc/parley"
)

// Environment is what the richer blocks need beyond Runtime: structured
// messages, queue facts, transfers, the schedule and outside HTTP calls.
// Package conversation implements it over the store; the scenario test
// runner implements it over simulated conditions. Blocks whose runtime
// lacks it fall back to plain Runtime behaviour.
type Environment interface {
	Runtime
	// SendMessage queues a bot message with quick replies or buttons.
	SendMessage(ctx context.Context, chat *parley.Chat, m OutMessage) error
	// Queue reports the state of a service's queue as seen by the chat.
	Queue(ctx context.Context, chat *parley.Chat, service string) (QueueInfo, error)
	// EnqueueFor puts the chat in a queue with routing requirements; a chat
	// assigned to an agent is released from them first (a transfer).
	EnqueueFor(ctx context.Context, chat *parley.Chat, r QueueRequest) error
	// Dequeue takes a queued chat out of its queue. It reports false when
	// the chat was no longer queued (routing assigned it meanwhile).
	Dequeue(ctx context.Context, chat *parley.Chat) (bool, error)
	// AgentName is the username of the agent the chat is assigned to.
	AgentName(ctx context.Context, chat *parley.Chat) (string, error)
	// Schedule reports whether now is within the hours of the chat's
	// scenario entry (true when it has none) and the local time there.
	Schedule(ctx context.Context, chat *parley.Chat, now time.Time) (open bool, local time.Time, err error)
	// HTTPClient makes the HTTP Request block's calls.
	HTTPClient() *http.Client
}

// OutMessage is a bot message with optional structure. The structure is
// carried to the channel as JSON in parley.Message.Payload.
type OutMessage struct {
	Text         string        `json:"-"`
	QuickReplies []QuickReply  `json:"quick_replies,omitempty"`
	Buttons      []Button      `json:"buttons,omitempty"`
	Cards        []Card        `json:"elements,omitempty"`
	TypingDelay  time.Duration `json:"-"`
	// plain keeps the scenario's escalation button off this message (a
	// block's lead-in, when the button belongs on what follows).
	plain bool
}

// Card is one card of a carousel: a title, optional subtitle and image,
// and up to 3 buttons.
type Card struct {
	Title    string   `json:"title"`
	Subtitle string   `json:"subtitle,omitempty"`
	ImageURL string   `json:"image_url,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
}

// QuickReply is a tappable answer shown under a message.
type QuickReply struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// Button is a postback or web URL button.
type Button struct {
	Type    string `json:"type"` // "postback" or "web_url"
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// QueueInfo describes a service's queue.
type QueueInfo struct {
	Length         int           // chats waiting
	Position       int           // the chat's place, 1-based; 0 if not queued
	AgentsLoggedIn int           // agents of the service not offline
	AgentsReady    int           // agents of the service ready
	EstimatedWait  time.Duration // for the chat, or for a new chat
	MaxLength      int           // 0: unlimited
}

// QueueRequest is what Find Agent and Send to Service ask of routing.
type QueueRequest struct {
	Service  string
	Priority int
	Skills   []string
}

func environment(x *Exec) (Environment, bool) {
	env, ok := x.Runtime.(Environment)
	return env, ok
}

// Set stores a variable of the chat.
func (x *Exec) Set(name, value string) {
	if x.Vars == nil {
		x.Vars = map[string]string{}
		x.Chat.Scenario.Vars = x.Vars
	}
	x.Vars[name] = value
}

// Unset removes a variable of the chat.
func (x *Exec) Unset(name string) {
	delete(x.Vars, name)
}
