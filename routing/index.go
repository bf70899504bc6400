package routing

import (
	"cmp"
	"slices"
	"strconv"
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
	heads    headHeap         // classes that can make a decision now, by head chat
}

type svc struct {
	Service
	members map[string]*agent
	// classes split the service's line by the skills its chats require on
	// top of the service's: the base class ("") holds chats without any,
	// and each other class holds the chats with the same requirements and
	// ranks only the agents who meet them. A chat nobody ready can serve
	// then never stands in front of one that someone can.
	base    *class
	classes map[string]*class
	list    []*class // the classes, base first: ranging a map costs too much on the hot path
}

func (s *svc) addClass(cl *class) {
	s.classes[cl.key] = cl
	s.list = append(s.list, cl)
}

func (s *svc) dropClass(cl *class) {
	delete(s.classes, cl.key)
	if i := slices.Index(s.list, cl); i >= 0 {
		s.list = slices.Delete(s.list, i, i+1)
	}
}

// class is one part of a service's line: chats with the same extra
// requirements, and the agents who can take one of them now.
type class struct {
	svc     *svc           // its service, for Next
	key     string         // canonical form of the chat's own requirements
	skills  map[string]int // the service's requirements merged with the chats'
	waiting *treap[chatKey]
	ready   *treap[agentKey] // agents who can take a chat of this class now
	head    chatKey          // the line's first chat, kept by lineChanged
	pos     int              // index in Index.heads; -1: not there
}

type agent struct {
	Agent
	seats map[*class]seat // one per class of its services; by value, to save a cache miss per re-rank
}

// seat is an agent's place in one class's ready set. The skill score is
// worked out once: neither the agent's skills nor the class's requirements
// change while both exist (SetAgent and SetService make new ones), so a
// change of load only moves the key.
type seat struct {
	score int      // SkillScore against the class's requirements; -1: lacks one
	key   agentKey // the key in the ready set, while ready
	ready bool
}

type chat struct {
	Chat
	key   chatKey
	class string
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
	ns := &svc{Service: s, members: map[string]*agent{}, classes: map[string]*class{}}
	if s.Skills != nil {
		ns.Skills = maps(s.Skills)
	}
	ns.base = ns.newClass("", nil)
	ns.addClass(ns.base)
	if old != nil {
		for _, cl := range old.list {
			x.unlist(cl)
			for _, a := range old.members {
				delete(a.seats, cl)
			}
			if cl == old.base {
				ns.base.waiting = cl.waiting
				continue
			}
			ncl := ns.newClass(cl.key, x.classSkills(cl))
			ncl.waiting = cl.waiting
			ns.addClass(ncl)
		}
		for _, cl := range ns.list {
			x.lineChanged(cl) // the new classes took over the old lines
		}
	}
	x.services[s.ID] = ns
	for _, a := range x.agents {
		if slices.Contains(a.Services, s.ID) {
			ns.members[a.ID] = a
			x.rank(a, ns)
		}
	}
	if old == nil {
		// Chats set before their service was known (a service created a
		// moment before its first chat) were kept out of line: in now.
		for _, c := range x.chats {
			if c.ServiceID == s.ID {
				x.wait(c)
			}
		}
	}
}

func (s *svc) newClass(key string, chatSkills map[string]int) *class {
	return &class{svc: s, pos: -1, key: key, skills: mergeSkills(s.Skills, chatSkills), waiting: newTreap(lessChat), ready: newTreap(lessAgent)}
}

// classSkills returns the chat's own requirements of a class (those of
// any of its chats: they are the same).
func (x *Index) classSkills(cl *class) map[string]int {
	if k, ok := cl.waiting.Min(); ok {
		return x.chats[k.id].Skills
	}
	return nil
}

// mergeSkills is the stricter of two sets of requirements.
func mergeSkills(a, b map[string]int) map[string]int {
	if len(b) == 0 {
		return a
	}
	out := maps(a)
	for k, v := range b {
		if cur, ok := out[k]; !ok || v > cur {
			out[k] = v
		}
	}
	return out
}

// skillsKey is the canonical form of a chat's own requirements.
func skillsKey(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	var b []byte
	for i, k := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(m[k]), 10)
	}
	return string(b)
}

// RemoveService forgets a service and its waiting chats.
func (x *Index) RemoveService(id string) {
	s := x.services[id]
	if s == nil {
		return
	}
	for _, cl := range s.list {
		for _, a := range s.members {
			x.unrank(a, cl)
		}
		x.unlist(cl)
		cl.waiting.Ascend(func(k chatKey) bool { delete(x.chats, k.id); return true })
	}
	delete(x.services, id)
}

// SetAgent adds or replaces an agent and re-ranks them in their services.
func (x *Index) SetAgent(a Agent) {
	na := &agent{Agent: a, seats: map[*class]seat{}}
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
	for cl := range a.seats {
		x.unrank(a, cl)
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
	nc := &chat{Chat: c, key: chatKey{prio: c.Priority, queued: c.QueuedAt.UnixNano(), id: c.ID}, class: skillsKey(c.Skills)}
	nc.Declined = slices.Clone(c.Declined)
	if c.Skills != nil {
		nc.Skills = maps(c.Skills)
	}
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
		s := x.services[c.ServiceID]
		if s == nil {
			return
		}
		cl := s.classes[c.class]
		if cl == nil {
			cl = s.newClass(c.class, c.Skills)
			s.addClass(cl)
			for _, a := range s.members {
				x.rankIn(a, s, cl)
			}
		}
		cl.waiting.Insert(c.key)
		x.lineChanged(cl)
	}
}

// unwait takes a chat out of line. A class other than the base one goes
// away with its last chat.
func (x *Index) unwait(c *chat) {
	delete(x.directed, c.ID)
	s := x.services[c.ServiceID]
	if s == nil {
		return
	}
	cl := s.classes[c.class]
	if cl == nil {
		return
	}
	cl.waiting.Delete(c.key)
	x.lineChanged(cl)
	if cl != s.base && cl.waiting.Len() == 0 {
		for _, a := range s.members {
			x.unrank(a, cl)
		}
		s.dropClass(cl)
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

// Directed returns the chats waiting for the agent a transfer named, in
// line order.
func (x *Index) Directed() []Chat {
	cs := x.directedInOrder()
	out := make([]Chat, len(cs))
	for i, c := range cs {
		out[i] = c.Chat
	}
	return out
}

// Waiting is the number of chats waiting in a service's queue.
func (x *Index) Waiting(serviceID string) int {
	n := 0
	if s := x.services[serviceID]; s != nil {
		for _, cl := range s.list {
			n += cl.waiting.Len()
		}
	}
	return n
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

// canTake reports whether the agent can take a chat of s now, skills
// aside.
func (a *agent) canTake(s *svc) bool {
	return workingState(a.State) && a.Present && a.used() < a.capacityOn(s)
}

// rank puts the agent in the ready sets of s's classes it is eligible for,
// with its current key.
func (x *Index) rank(a *agent, s *svc) {
	for _, cl := range s.list {
		x.rankIn(a, s, cl)
	}
}

func (x *Index) rankIn(a *agent, s *svc, cl *class) {
	st, ok := a.seats[cl]
	if !ok {
		st.score = SkillScore(a.Skills, cl.skills)
	}
	if st.ready {
		cl.ready.Delete(st.key)
		st.ready = false
	}
	if st.score >= 0 && a.canTake(s) {
		st.key = keyFor(a, s, st.score)
		cl.ready.Insert(st.key)
		st.ready = true
	}
	a.seats[cl] = st
	x.readyChanged(cl)
}

func (x *Index) unrank(a *agent, cl *class) {
	if st, ok := a.seats[cl]; ok {
		if st.ready {
			cl.ready.Delete(st.key)
		}
		delete(a.seats, cl)
		x.readyChanged(cl)
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

// keyFor is the agent's key in a ready set of s; score is their
// SkillScore against the class's requirements.
func keyFor(a *agent, s *svc, score int) agentKey {
	u := int64(a.used())
	switch s.Strategy {
	case parley.StrategyLeastBusy:
		return agentKey{k1: u, k2: idleKey(a), id: a.ID}
	case parley.StrategyMostSkilled:
		return agentKey{k1: -int64(score), k2: u, k3: idleKey(a), id: a.ID}
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
