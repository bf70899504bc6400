package routing

import (
	"cmp"
	"slices"
	"time"

	"github.com/parleycc/parley"
)

// Index is the routing state of one tenant. It is not safe for concurrent
// use; the caller serializes access.
type Index struct {
	services map[string]*svc
	agents   map[string]*agent
	chats    map[string]*chat
	directed map[string]*chat // waiting for a named agent (transfers)
}

type svc struct {
	Service
	members map[string]*agent
	waiting *treap[chatKey]
	ready   *treap[agentKey] // agents who can take a chat of this service now
}

type agent struct {
	Agent
	keys map[string]agentKey // service id → key in that service's ready set
}

type chat struct {
	Chat
	key chatKey
}

// chatKey orders a queue: highest priority, oldest place, lowest id.
type chatKey struct {
	prio   int
	queued int64
	id     string
}

func lessChat(a, b chatKey) bool {
	if a.prio != b.prio {
		return a.prio > b.prio
	}
	if a.queued != b.queued {
		return a.queued < b.queued
	}
	return a.id < b.id
}

// agentKey orders a service's ready agents by its strategy; ties go to the
// lower id, so the same state always gives the same answer.
type agentKey struct {
	k1, k2, k3 int64
	id         string
}

func lessAgent(a, b agentKey) bool {
	if c := cmp.Compare(a.k1, b.k1); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.k2, b.k2); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.k3, b.k3); c != 0 {
		return c < 0
	}
	return a.id < b.id
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{services: map[string]*svc{}, agents: map[string]*agent{}, chats: map[string]*chat{}, directed: map[string]*chat{}}
}

// SetService adds or replaces a service.
func (x *Index) SetService(s Service) {
	old := x.services[s.ID]
	ns := &svc{Service: s, members: map[string]*agent{}, waiting: newTreap(lessChat), ready: newTreap(lessAgent)}
	if s.Skills != nil {
		ns.Skills = maps(s.Skills)
	}
	if old != nil {
		ns.waiting = old.waiting
		for _, a := range old.members {
			x.unrank(a, s.ID, old)
		}
	}
	x.services[s.ID] = ns
	for _, a := range x.agents {
		if slices.Contains(a.Services, s.ID) {
			ns.members[a.ID] = a
			x.rank(a, ns)
		}
	}
}

// RemoveService forgets a service and its waiting chats.
func (x *Index) RemoveService(id string) {
	s := x.services[id]
	if s == nil {
		return
	}
	for _, a := range s.members {
		x.unrank(a, id, s)
	}
	s.waiting.Ascend(func(k chatKey) bool { delete(x.chats, k.id); return true })
	delete(x.services, id)
}

// SetAgent adds or replaces an agent and re-ranks them in their services.
func (x *Index) SetAgent(a Agent) {
	na := &agent{Agent: a, keys: map[string]agentKey{}}
	if a.Skills != nil {
		na.Skills = maps(a.Skills)
	}
	na.Services = slices.Clone(a.Services)
	if old := x.agents[a.ID]; old != nil {
		x.dropAgent(old)
	}
	x.agents[a.ID] = na
	for _, id := range na.Services {
		if s := x.services[id]; s != nil {
			s.members[a.ID] = na
			x.rank(na, s)
		}
	}
}

// RemoveAgent forgets an agent.
func (x *Index) RemoveAgent(id string) {
	if a := x.agents[id]; a != nil {
		x.dropAgent(a)
		delete(x.agents, id)
	}
}

func (x *Index) dropAgent(a *agent) {
	for sid := range a.keys {
		x.unrank(a, sid, x.services[sid])
	}
	for _, sid := range a.Services {
		if s := x.services[sid]; s != nil {
			delete(s.members, a.ID)
		}
	}
}

// Agent returns the agent as the index sees it.
func (x *Index) Agent(id string) (Agent, bool) {
	a := x.agents[id]
	if a == nil {
		return Agent{}, false
	}
	return a.Agent, true
}

// SetChat adds or replaces a queued chat (waiting, or offered when
// OfferedTo is set).
func (x *Index) SetChat(c Chat) {
	x.RemoveChat(c.ID)
	nc := &chat{Chat: c, key: chatKey{prio: c.Priority, queued: c.QueuedAt.UnixNano(), id: c.ID}}
	nc.Declined = slices.Clone(c.Declined)
	x.chats[c.ID] = nc
	x.wait(nc)
}

// wait puts a chat that is not offered in line.
func (x *Index) wait(c *chat) {
	switch {
	case c.OfferedTo != "":
	case c.Target != "":
		x.directed[c.ID] = c
	default:
		if s := x.services[c.ServiceID]; s != nil {
			s.waiting.Insert(c.key)
		}
	}
}

// unwait takes a chat out of line.
func (x *Index) unwait(c *chat) {
	delete(x.directed, c.ID)
	if s := x.services[c.ServiceID]; s != nil {
		s.waiting.Delete(c.key)
	}
}

// RemoveChat forgets a chat (assigned, closed or abandoned).
func (x *Index) RemoveChat(id string) {
	if c := x.chats[id]; c != nil {
		x.unwait(c)
		delete(x.chats, id)
	}
}

// Chat returns a chat of the index.
func (x *Index) Chat(id string) (Chat, bool) {
	c := x.chats[id]
	if c == nil {
		return Chat{}, false
	}
	return c.Chat, true
}

// Chats returns the queued chats (waiting and offered) of the index.
func (x *Index) Chats() []Chat {
	out := make([]Chat, 0, len(x.chats))
	for _, c := range x.chats {
		out = append(out, c.Chat)
	}
	slices.SortFunc(out, func(a, b Chat) int {
		ka := chatKey{a.Priority, a.QueuedAt.UnixNano(), a.ID}
		kb := chatKey{b.Priority, b.QueuedAt.UnixNano(), b.ID}
		if lessChat(ka, kb) {
			return -1
		}
		return 1
	})
	return out
}

// Waiting is the number of chats waiting in a service's queue.
func (x *Index) Waiting(serviceID string) int {
	if s := x.services[serviceID]; s != nil {
		return s.waiting.Len()
	}
	return 0
}

// Expired returns the offers whose timeout has passed at now.
func (x *Index) Expired(now time.Time) []Chat {
	var out []Chat
	for _, c := range x.chats {
		if c.OfferedTo != "" && !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
			out = append(out, c.Chat)
		}
	}
	slices.SortFunc(out, func(a, b Chat) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// capacityOn is the agent's capacity on the service.
func (a *agent) capacityOn(s *svc) int { return Capacity(a.Agent, s.MaxPerAgent) }

// used is what counts against capacity: chats held and offered.
func (a *agent) used() int { return a.Load + a.Offers }

// eligible reports whether the agent can take a chat of s now.
func (a *agent) eligible(s *svc) bool {
	return workingState(a.State) && a.Present && a.used() < a.capacityOn(s) && SkillScore(a.Skills, s.Skills) >= 0
}

// rank puts the agent in s's ready set if eligible, with its current key.
func (x *Index) rank(a *agent, s *svc) {
	if old, ok := a.keys[s.ID]; ok {
		s.ready.Delete(old)
		delete(a.keys, s.ID)
	}
	if !a.eligible(s) {
		return
	}
	k := keyFor(a, s)
	s.ready.Insert(k)
	a.keys[s.ID] = k
}

func (x *Index) unrank(a *agent, sid string, s *svc) {
	if k, ok := a.keys[sid]; ok {
		if s != nil {
			s.ready.Delete(k)
		}
		delete(a.keys, sid)
	}
}

// rerank updates the agent in every service after a change of load.
func (x *Index) rerank(a *agent) {
	for _, sid := range a.Services {
		if s := x.services[sid]; s != nil {
			x.rank(a, s)
		}
	}
}

const never = int64(1) << 62 // an unknown idle time sorts after every known one

func idleKey(a *agent) int64 {
	if a.IdleSince.IsZero() {
		return never
	}
	return a.IdleSince.UnixNano()
}

func keyFor(a *agent, s *svc) agentKey {
	u := int64(a.used())
	switch s.Strategy {
	case parley.StrategyLeastBusy:
		return agentKey{k1: u, k2: idleKey(a), id: a.ID}
	case parley.StrategyMostSkilled:
		return agentKey{k1: -int64(SkillScore(a.Skills, s.Skills)), k2: u, k3: idleKey(a), id: a.ID}
	default: // longest idle: agents with no chat first, longest idle first; then fewest chats
		if u == 0 {
			return agentKey{k1: 0, k2: idleKey(a), id: a.ID}
		}
		return agentKey{k1: 1, k2: u, k3: idleKey(a), id: a.ID}
	}
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
