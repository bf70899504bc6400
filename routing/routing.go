// Package routing decides which agent gets a waiting chat. It is pure
// logic (no I/O, no clock: callers pass the time), so every decision can be
// tested and explained; package conversation keeps an Index in step with
// the database and commits its decisions with conditional writes.
//
// The Index splits each service's line into classes by the skills its
// chats require on top of the service's. A class keeps an ordered set of
// its waiting chats (highest priority, then oldest place in line) and one
// of the agents who could take one now, sorted by the service's strategy;
// a heap holds the classes that have both, by their first chat. A decision
// takes the top of the heap and the first agent of that class's set:
// O(log W + k·c·(log A + log C)) for W waiting chats, A agents, C classes
// and k services of the chosen agent with c classes each (c = 1 without
// per-chat required skills), the last term being that agent's re-rank.
package routing

import (
	"fmt"
	"strconv"
	"strings"
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
	// Skills the chat requires on top of its service's (skill → minimum
	// level), e.g. from Find Agent's required_skills: only agents who have
	// them are offered the chat.
	Skills    map[string]int
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

// ParseSkills reads required skills written as "skill" or "skill:minlevel",
// comma-separated (Find Agent's required_skills variable): "spanish,
// billing:50". A skill without a level is required at any level; a level
// that is not a number in 0–100 is an error, reported with the item.
func ParseSkills(s string) (map[string]int, error) {
	var out map[string]int
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, lvl, hasLevel := strings.Cut(item, ":")
		name = strings.TrimSpace(name)
		level := 0
		if hasLevel {
			n, err := strconv.Atoi(strings.TrimSpace(lvl))
			if err != nil || n < 0 || n > 100 {
				return nil, fmt.Errorf("required skill %q: the level must be a number from 0 to 100", item)
			}
			level = n
		}
		if name == "" {
			return nil, fmt.Errorf("required skill %q: no name", item)
		}
		if out == nil {
			out = map[string]int{}
		}
		if cur, ok := out[name]; !ok || level > cur {
			out[name] = level
		}
	}
	return out, nil
}
