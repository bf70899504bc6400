// Package routing decides which agent gets a waiting chat. It is pure logic
// over a snapshot (no I/O, no clock), so every decision can be tested and
// explained; package conversation applies the decisions to the store.
package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Agent is an agent as routing sees it at one moment.
type Agent struct {
	ID        string
	Name      string
	State     string
	Capacity  int
	Load      int       // chats assigned now
	IdleSince time.Time // zero while the agent has chats
	Services  []string
}

// Decision explains one routing choice.
type Decision struct {
	ChatID     string
	AgentID    string // empty when nobody can take the chat now
	Considered int    // agents that could take it
	Reason     string
}

// Capacity is the number of chats an agent may hold on a service: the
// agent's own capacity, lowered by the service's limit when it has one.
func Capacity(a Agent, serviceMax int) int {
	if serviceMax > 0 && serviceMax < a.Capacity {
		return serviceMax
	}
	return a.Capacity
}

// Pick chooses the agent for a chat waiting on serviceID: among ready
// members with free capacity, the one idle longest; agents already busy
// come after idle ones, fewest chats first. Ties go to the lower id, so the
// same snapshot always gives the same answer.
func Pick(agents []Agent, chatID, serviceID string, serviceMax int) Decision {
	var best *Agent
	n := 0
	for i := range agents {
		a := &agents[i]
		if a.State != parley.StateReady || !slices.Contains(a.Services, serviceID) || a.Load >= Capacity(*a, serviceMax) {
			continue
		}
		n++
		if best == nil || better(a, best) {
			best = a
		}
	}
	d := Decision{ChatID: chatID, Considered: n}
	if best == nil {
		d.Reason = "no ready agent of the service has free capacity"
		return d
	}
	d.AgentID = best.ID
	if best.Load == 0 {
		d.Reason = fmt.Sprintf("%s idle longest (since %s) of %d eligible", best.Name, best.IdleSince.Format(time.RFC3339), n)
	} else {
		d.Reason = fmt.Sprintf("%s least busy (%d chats) of %d eligible, none idle", best.Name, best.Load, n)
	}
	return d
}

func better(a, b *Agent) bool {
	if (a.Load == 0) != (b.Load == 0) {
		return a.Load == 0
	}
	if a.Load == 0 && !a.IdleSince.Equal(b.IdleSince) {
		return idleKey(a).Before(idleKey(b))
	}
	if a.Load != b.Load {
		return a.Load < b.Load
	}
	return strings.Compare(a.ID, b.ID) < 0
}

// idleKey treats an unknown idle time as "just now".
func idleKey(a *Agent) time.Time {
	if a.IdleSince.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return a.IdleSince
}
