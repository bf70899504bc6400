package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// maxCandidates is how many candidates a decision records.
const maxCandidates = 5

// Route makes decisions until no waiting chat can go to anyone, at most
// limit of them (0: no limit), and applies them to the index: an offered
// chat leaves the line and counts against its agent, an auto-accepted one
// leaves the index. Chats transferred to a named agent go first, then the
// head of every queue in priority-then-age order across services.
func (x *Index) Route(now time.Time, limit int) []Decision {
	var out []Decision
	for _, c := range x.directedInOrder() {
		if limit > 0 && len(out) >= limit {
			return out
		}
		if d, ok := x.decideDirected(c, now); ok {
			out = append(out, d)
		}
	}
	for limit == 0 || len(out) < limit {
		d, ok := x.Next(now)
		if !ok {
			break
		}
		out = append(out, d)
	}
	return out
}

// Next makes the best single decision among the services, if any: the
// best waiting chat that some ready agent can take (a chat whose required
// skills nobody ready has does not hold up the ones behind it).
func (x *Index) Next(now time.Time) (Decision, bool) {
	if len(x.heads) == 0 {
		return Decision{}, false
	}
	cl := x.heads[0]
	return x.decide(x.chats[cl.head.id], cl.svc, cl, now), true
}

// decide gives c to the first agent of its class's ready set who has not
// declined it; if every ready agent declined it, to the first of them.
func (x *Index) decide(c *chat, s *svc, cl *class, now time.Time) Decision {
	var cands []Candidate
	var winner *agent
	var first *agent
	passed := 0 // ready agents ahead of the winner who declined the chat
	cl.ready.Ascend(func(k agentKey) bool {
		a := x.agents[k.id]
		declined := slices.Contains(c.Declined, a.ID)
		if len(cands) < maxCandidates {
			cands = append(cands, candidate(a, s, cl.skills, declined))
		}
		if first == nil {
			first = a
		}
		if !declined && winner == nil {
			winner = a
		}
		if declined && winner == nil {
			passed++
		}
		return winner == nil || len(cands) < maxCandidates
	})
	allDeclined := winner == nil
	if winner == nil {
		winner = first
	}
	d := Decision{ChatID: c.ID, ServiceID: s.ID, Service: s.Name, Strategy: strategyName(s.Strategy),
		Priority: c.Priority, QueuedAt: c.QueuedAt, Eligible: cl.ready.Len(), Candidates: cands, At: now}
	d.Reason = reason(winner, s, cl.skills, d.Eligible, passed, allDeclined)
	if len(c.Skills) > 0 {
		d.Reason += "; the chat requires " + skillReq(c.Skills)
	}
	x.apply(&d, c, winner, s, now)
	return d
}

// skillReq writes requirements as "spanish 50, billing" in name order.
func skillReq(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for i, k := range names {
		if m[k] > 0 {
			names[i] = fmt.Sprintf("%s %d", k, m[k])
		}
	}
	return strings.Join(names, ", ")
}

// decideDirected offers a transferred chat to its target agent if they
// can take one (skills are not asked: a colleague chose them).
func (x *Index) decideDirected(c *chat, now time.Time) (Decision, bool) {
	a := x.agents[c.Target]
	s := x.services[c.ServiceID]
	if a == nil || s == nil || !a.canTake(s) {
		return Decision{}, false
	}
	d := Decision{ChatID: c.ID, ServiceID: s.ID, Service: s.Name, Strategy: "transfer", Priority: c.Priority,
		QueuedAt: c.QueuedAt, Eligible: 1, Candidates: []Candidate{candidate(a, s, s.Skills, false)}, At: now,
		Reason: fmt.Sprintf("%s was named by the transfer", a.Name)}
	x.apply(&d, c, a, s, now)
	return d, true
}

func (x *Index) apply(d *Decision, c *chat, a *agent, s *svc, now time.Time) {
	d.AgentID, d.AgentName, d.Capacity, d.Auto = a.ID, a.Name, a.capacityOn(s), s.AutoAccept
	x.unwait(c)
	if s.AutoAccept {
		delete(x.chats, c.ID)
		a.Load++
		a.IdleSince = time.Time{}
	} else {
		c.OfferedTo = a.ID
		if s.OfferTimeout > 0 {
			c.ExpiresAt = now.Add(s.OfferTimeout)
			d.ExpiresAt = c.ExpiresAt
		}
		a.Offers++
	}
	x.rerank(a)
}

// Accept records that the agent took the chat offered to them.
func (x *Index) Accept(chatID string) bool {
	c := x.chats[chatID]
	if c == nil || c.OfferedTo == "" {
		return false
	}
	if a := x.agents[c.OfferedTo]; a != nil {
		a.Offers--
		a.Load++
		a.IdleSince = time.Time{}
		x.rerank(a)
	}
	delete(x.chats, chatID)
	return true
}

// Decline records a rejected or timed-out offer: the chat goes back in
// line with its place, the agent is remembered and a transfer target is
// dropped.
func (x *Index) Decline(chatID string) bool {
	c := x.chats[chatID]
	if c == nil || c.OfferedTo == "" {
		return false
	}
	if a := x.agents[c.OfferedTo]; a != nil {
		a.Offers--
		x.rerank(a)
	}
	if !slices.Contains(c.Declined, c.OfferedTo) {
		c.Declined = append(c.Declined, c.OfferedTo)
	}
	c.OfferedTo, c.ExpiresAt, c.Target = "", time.Time{}, ""
	x.wait(c)
	return true
}

func (x *Index) directedInOrder() []*chat {
	if len(x.directed) == 0 {
		return nil
	}
	out := make([]*chat, 0, len(x.directed))
	for _, c := range x.directed {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *chat) int {
		if lessChat(a.key, b.key) {
			return -1
		}
		return 1
	})
	return out
}

func candidate(a *agent, s *svc, skills map[string]int, declined bool) Candidate {
	return Candidate{AgentID: a.ID, Name: a.Name, Load: a.used(), Capacity: a.capacityOn(s), IdleSince: a.IdleSince,
		Skill: max(SkillScore(a.Skills, skills), 0), Declined: declined}
}

func strategyName(s string) string {
	if s == "" {
		return parley.StrategyLongestIdle
	}
	return s
}

// reason says in one sentence why the winner got the chat. passed counts
// the ready agents ranked ahead of the winner who declined the chat (or let
// its offer time out); allDeclined says every ready agent did.
func reason(a *agent, s *svc, skills map[string]int, eligible, passed int, allDeclined bool) string {
	var why string
	switch s.Strategy {
	case parley.StrategyLeastBusy:
		why = fmt.Sprintf("fewest chats (%d of %d)", a.used(), a.capacityOn(s))
	case parley.StrategyMostSkilled:
		why = fmt.Sprintf("most skilled (score %d%s)", max(SkillScore(a.Skills, skills), 0), skillList(a, skills))
	default:
		if a.used() == 0 && !a.IdleSince.IsZero() {
			why = fmt.Sprintf("idle longest (since %s)", a.IdleSince.UTC().Format("15:04:05"))
		} else if a.used() == 0 {
			why = "idle (idle time unknown)"
		} else {
			why = fmt.Sprintf("nobody idle; fewest chats (%d of %d)", a.used(), a.capacityOn(s))
		}
	}
	txt := fmt.Sprintf("%s: %s among %d eligible agent(s) of %s", a.Name, why, eligible, s.Name)
	switch {
	case allDeclined:
		txt += "; every ready agent had declined it, so it is offered again"
	case passed == 1:
		txt += "; 1 agent who declined it was passed over"
	case passed > 1:
		txt += fmt.Sprintf("; %d agents who declined it were passed over", passed)
	}
	return txt
}

func skillList(a *agent, skills map[string]int) string {
	if len(skills) == 0 {
		return ""
	}
	names := make([]string, 0, len(skills))
	for k := range skills {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, a.Skills[k])
	}
	return ": " + strings.Join(parts, ", ")
}

// Release records that an agent's chat ended (closed or transferred away):
// their load drops and, with nothing left, their idle time starts at at.
func (x *Index) Release(agentID string, at time.Time) {
	a := x.agents[agentID]
	if a == nil || a.Load == 0 {
		return
	}
	a.Load--
	if a.used() == 0 {
		a.IdleSince = at
	}
	x.rerank(a)
}
