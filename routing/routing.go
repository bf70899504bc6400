// Package routing decides which agent gets a waiting chat. It is pure
// logic (no I/O, no clock: callers pass the time), so every decision can be
// tested and explained; package conversation keeps an Index in step with
// the database and commits its decisions with conditional writes.
//
// The Index keeps, per service, an ordered set of waiting chats (highest
// priority, then oldest place in line) and an ordered set of the agents
// who could take one now, sorted by the service's strategy. A decision
// takes the best head of queue among the services and the first agent of
// that service's set: O(S + log W + k·log A) for S services, W waiting
// chats, A agents and k services of the chosen agent.
package routing

import (
	"time"

	"github.com/parleycc/parley"
)

// Service is a queue as routing sees it.
type Service struct {
	ID          string
	Name        string
	Strategy    string         // parley.Strategy*; empty is longest idle
	Skills      map[string]int // required skill → minimum level
	MaxPerAgent int            // 0: the agent's own capacity
	AutoAccept  bool
	// OfferTimeout is how long an offer waits for an answer (0: no limit).
	OfferTimeout time.Duration
}

// Agent is an agent as routing sees it.
type Agent struct {
	ID        string
	Name      string
	State     string // parley.State*
	Present   bool   // the desktop's live connection is there (within grace)
	Capacity  int
	Load      int       // chats assigned now, conferences included
	Offers    int       // chats offered and not answered
	IdleSince time.Time // when the agent last had no chat; zero: unknown
	Services  []string
	Skills    map[string]int
}

// Chat is a chat waiting in a queue or offered to an agent.
type Chat struct {
	ID        string
	ServiceID string
	Priority  int
	QueuedAt  time.Time // place in line; kept on re-queue
	Target    string    // transferred to this agent: only they are offered it
	Declined  []string  // agents who rejected or missed it
	OfferedTo string    // set while offered
	ExpiresAt time.Time // offer timeout
}

// Candidate is an agent considered for a chat, in the strategy's order.
type Candidate struct {
	AgentID   string    `json:"agent_id"`
	Name      string    `json:"name"`
	Load      int       `json:"load"`
	Capacity  int       `json:"capacity"`
	IdleSince time.Time `json:"idle_since,omitzero"`
	Skill     int       `json:"skill"`
	Declined  bool      `json:"declined,omitempty"`
}

// Decision is one routing choice and why it was made.
type Decision struct {
	ChatID     string      `json:"chat_id"`
	ServiceID  string      `json:"service_id"`
	Service    string      `json:"service"`
	AgentID    string      `json:"agent_id"`
	AgentName  string      `json:"agent_name"`
	Strategy   string      `json:"strategy"`
	Priority   int         `json:"priority"`
	QueuedAt   time.Time   `json:"queued_at"`
	Eligible   int         `json:"eligible"`   // agents who could take it
	Candidates []Candidate `json:"candidates"` // the first few, best first
	Capacity   int         `json:"capacity"`   // the winner's capacity on the service
	Auto       bool        `json:"auto"`       // assigned without an offer
	ExpiresAt  time.Time   `json:"expires_at,omitzero"`
	Reason     string      `json:"reason"`
	At         time.Time   `json:"at"`
}

// Capacity is the number of chats an agent may hold on a service: the
// agent's own capacity, lowered by the service's limit when it has one.
func Capacity(a Agent, serviceMax int) int {
	if serviceMax > 0 && serviceMax < a.Capacity {
		return serviceMax
	}
	return a.Capacity
}

// SkillScore is the agent's sum of levels in the skills the service
// requires, or -1 if one is missing or below its minimum.
func SkillScore(agentSkills, required map[string]int) int {
	score := 0
	for k, min := range required {
		lvl, ok := agentSkills[k]
		if !ok || lvl < min {
			return -1
		}
		score += lvl
	}
	return score
}

// workingState reports whether the state lets an agent take new chats.
func workingState(s string) bool { return s == parley.StateReady }
