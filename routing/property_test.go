package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// world is the test's own model of what the index should know: the truth
// the invariants are checked against.
type world struct {
	x        *Index
	now      time.Time
	services []Service
	agents   map[string]*Agent
	chats    map[string]*wchat
	nextID   int
}

type wchat struct {
	Chat
	state string // waiting, offered, assigned
	agent string
}

func (w *world) used(id string) int {
	n := 0
	for _, c := range w.chats {
		if c.agent == id && (c.state == "offered" || c.state == "assigned") {
			n++
		}
	}
	return n
}

func (w *world) service(id string) Service {
	for _, s := range w.services {
		if s.ID == id {
			return s
		}
	}
	panic(id)
}

func (w *world) eligible(a *Agent, s Service) bool {
	return a.State == parley.StateReady && a.Present && slices.Contains(a.Services, s.ID) &&
		w.used(a.ID) < Capacity(*a, s.MaxPerAgent) && SkillScore(a.Skills, s.Skills) >= 0
}

// eligibleFor adds the chat's own required skills to eligible.
func (w *world) eligibleFor(a *Agent, c *wchat) bool {
	return w.eligible(a, w.service(c.ServiceID)) && SkillScore(a.Skills, c.Skills) >= 0
}

func (w *world) syncAgent(a *Agent) {
	cp := *a
	cp.Load, cp.Offers = 0, 0
	for _, c := range w.chats {
		if c.agent == a.ID && c.state == "assigned" {
			cp.Load++
		}
		if c.agent == a.ID && c.state == "offered" {
			cp.Offers++
		}
	}
	w.x.SetAgent(cp)
}

// route decides as Route does, transfers first, then one Next at a time,
// each checked against a brute-force scan of the index's classes
// (reference_test.go); every decision is checked against the model.
func (w *world) route(t *testing.T) {
	for _, c := range w.x.directedInOrder() {
		if d, ok := w.x.decideDirected(c, w.now); ok {
			w.record(t, d)
		}
	}
	for {
		want, ok := referenceNext(t, w.x)
		d, got := w.x.Next(w.now)
		if got != ok {
			t.Fatalf("Next decided %v, the scan of all classes %v (%+v)", got, ok, d)
		}
		if !ok {
			break
		}
		if d.ChatID != want.ChatID || d.ServiceID != want.ServiceID || d.AgentID != want.AgentID || d.Eligible != want.Eligible {
			t.Fatalf("Next gave %s>%s in %s (%d eligible); the scan of all classes %s>%s in %s (%d eligible)",
				d.ChatID, d.AgentID, d.ServiceID, d.Eligible, want.ChatID, want.AgentID, want.ServiceID, want.Eligible)
		}
		w.record(t, d)
	}
	if ds := w.x.Route(w.now, 0); len(ds) != 0 {
		t.Fatalf("Route decided %+v after Next had nothing left", ds)
	}
	// Exhaustive: no waiting chat has an eligible agent left.
	for _, c := range w.chats {
		if c.state != "waiting" || c.Target != "" {
			continue
		}
		for _, a := range w.agents {
			if w.eligibleFor(a, c) {
				t.Fatalf("chat %s waits while %s could take it", c.ID, a.ID)
			}
		}
	}
}

// record checks one decision against the model and applies it there.
func (w *world) record(t *testing.T, d Decision) {
	c := w.chats[d.ChatID]
	if c == nil || c.state != "waiting" {
		t.Fatalf("decision for chat %s that is not waiting: %+v", d.ChatID, c)
	}
	a := w.agents[d.AgentID]
	s := w.service(c.ServiceID)
	if c.Target != "" {
		if d.AgentID != c.Target {
			t.Fatalf("transfer to %s went to %s", c.Target, d.AgentID)
		}
	} else {
		if !w.eligibleFor(a, c) {
			t.Fatalf("chat %s (requires %v) went to ineligible agent %+v (used %d)", c.ID, c.Skills, a, w.used(a.ID))
		}
		// Head of the line: no waiting chat that someone could take
		// now goes before it, in any service; a chat nobody ready can
		// serve (its required skills) does not hold it up.
		for _, o := range w.chats {
			if o.state != "waiting" || o.Target != "" || o == c || !lessChat(o.keyOf(), c.keyOf()) {
				continue
			}
			for _, b := range w.agents {
				if w.eligibleFor(b, o) {
					t.Fatalf("chat %s served before %s, which is ahead in line and %s could take", c.ID, o.ID, b.ID)
				}
			}
		}
	}
	if w.used(a.ID) >= Capacity(*a, s.MaxPerAgent) {
		t.Fatalf("agent %s over capacity", a.ID)
	}
	c.agent, c.state, c.Target = d.AgentID, "offered", ""
	if d.Auto {
		c.state = "assigned"
	}
}

func (c *wchat) keyOf() chatKey { return chatKey{c.Priority, c.QueuedAt.UnixNano(), c.ID} }

func (w *world) check(t *testing.T) {
	for id, a := range w.agents {
		ia, ok := w.x.Agent(id)
		if !ok || ia.Load+ia.Offers != w.used(id) {
			t.Fatalf("agent %s: index used %d, model %d", id, ia.Load+ia.Offers, w.used(id))
		}
		_ = a
	}
	offered := map[string]bool{}
	for id, c := range w.chats {
		ic, ok := w.x.Chat(id)
		switch c.state {
		case "assigned":
			if ok {
				t.Fatalf("assigned chat %s still in the index", id)
			}
		case "offered":
			if !ok || ic.OfferedTo != c.agent {
				t.Fatalf("offered chat %s: index %+v", id, ic)
			}
			if offered[id] {
				t.Fatalf("chat %s offered twice", id)
			}
			offered[id] = true
		case "waiting":
			if !ok || ic.OfferedTo != "" {
				t.Fatalf("waiting chat %s: index %+v ok=%v", id, ic, ok)
			}
		}
	}
}

func (w *world) pick(r *rand.Rand, state string) *wchat {
	var ids []string
	for id, c := range w.chats {
		if c.state == state {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return w.chats[ids[r.IntN(len(ids))]]
}

// TestRandomOperations runs thousands of random operations (agents log in
// and out, change state, presence and services; chats arrive, are offered,
// rejected, accepted, transferred, closed and abandoned; services are
// edited) and checks the invariants after every step: no chat offered
// twice, no agent over capacity, the head of the line served first, nobody
// idle while a chat they could take waits, the index agreeing with the
// model, and every Next the decision a scan of all classes would make.
func TestRandomOperations(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 42))
			w := &world{x: NewIndex(), now: t0, agents: map[string]*Agent{}, chats: map[string]*wchat{}}
			for i := range 4 {
				s := Service{ID: fmt.Sprint("s", i), Name: fmt.Sprint("S", i), MaxPerAgent: r.IntN(3),
					Strategy: []string{"", parley.StrategyLeastBusy, parley.StrategyMostSkilled}[i%3], AutoAccept: i%2 == 0}
				if i == 2 {
					s.Skills = map[string]int{"billing": 50}
				}
				w.services = append(w.services, s)
				w.x.SetService(s)
			}
			for i := range 8 {
				a := &Agent{ID: fmt.Sprint("a", i), Name: fmt.Sprint("A", i), State: parley.StateOffline, Present: true,
					Capacity: 1 + r.IntN(3), Skills: map[string]int{"billing": r.IntN(101)}}
				// Languages: some agents speak Spanish or French, at a level.
				for _, lang := range []string{"spanish", "french"} {
					if r.IntN(3) == 0 {
						a.Skills[lang] = r.IntN(101)
					}
				}
				for _, s := range w.services {
					if r.IntN(2) == 0 {
						a.Services = append(a.Services, s.ID)
					}
				}
				w.agents[a.ID] = a
				w.syncAgent(a)
			}
			for range 2000 {
				w.now = w.now.Add(time.Duration(r.IntN(5000)) * time.Millisecond)
				// Up to three changes before routing, so that some land
				// while classes are listed in the index's heads.
				for range 1 + r.IntN(3) {
					w.step(t, r)
					referenceNext(t, w.x)
				}
				w.route(t)
				w.check(t)
			}
		})
	}
}

func (w *world) step(t *testing.T, r *rand.Rand) {
	ids := make([]string, 0, len(w.agents))
	for id := range w.agents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	a := w.agents[ids[r.IntN(len(ids))]]
	switch op := r.IntN(11); op {
	case 0: // state change
		a.State = []string{parley.StateReady, parley.StateReady, parley.StateNotReady, parley.StateOffline, parley.StateACW}[r.IntN(5)]
		w.syncAgent(a)
	case 1: // presence flips
		a.Present = r.IntN(4) != 0
		w.syncAgent(a)
	case 2, 3: // a chat arrives
		w.nextID++
		c := &wchat{Chat: Chat{ID: fmt.Sprintf("c%05d", w.nextID), ServiceID: w.services[r.IntN(len(w.services))].ID,
			Priority: r.IntN(3), QueuedAt: w.now, Skills: randomChatSkills(r)}, state: "waiting"}
		w.chats[c.ID] = c
		w.x.SetChat(c.Chat)
	case 4: // accept
		if c := w.pick(r, "offered"); c != nil {
			w.x.Accept(c.ID)
			c.state = "assigned"
		}
	case 5: // reject or timeout
		if c := w.pick(r, "offered"); c != nil {
			w.x.Decline(c.ID)
			c.Declined = append(c.Declined, c.agent)
			c.state, c.agent, c.Target = "waiting", "", ""
		}
	case 6: // agent closes a chat
		if c := w.pick(r, "assigned"); c != nil {
			agent := c.agent
			delete(w.chats, c.ID)
			w.syncAgent(w.agents[agent])
		}
	case 7: // transfer: to a service or an agent, place kept
		if c := w.pick(r, "assigned"); c != nil {
			from := c.agent
			c.state, c.agent, c.Declined = "waiting", "", []string{from}
			c.ServiceID = w.services[r.IntN(len(w.services))].ID
			c.Target = ""
			if r.IntN(2) == 0 {
				c.Target = ids[r.IntN(len(ids))]
			}
			w.x.SetChat(c.Chat)
			w.syncAgent(w.agents[from])
		}
	case 8: // the customer leaves while waiting
		if c := w.pick(r, "waiting"); c != nil {
			delete(w.chats, c.ID)
			w.x.RemoveChat(c.ID)
		}
	case 9: // a supervisor edits a service: strategy, limit, required skill
		i := r.IntN(len(w.services))
		s := &w.services[i]
		s.Strategy = []string{"", parley.StrategyLeastBusy, parley.StrategyMostSkilled}[r.IntN(3)]
		s.MaxPerAgent = r.IntN(3)
		s.Skills = []map[string]int{nil, {"billing": 20}, {"billing": 50}}[r.IntN(3)]
		w.x.SetService(*s)
	case 10: // the agent is moved to other services
		a.Services = nil
		for _, s := range w.services {
			if r.IntN(2) == 0 {
				a.Services = append(a.Services, s.ID)
			}
		}
		w.syncAgent(a)
	}
}

// randomChatSkills gives half the chats required skills of their own (Find
// Agent's required_skills): a language, sometimes at a level, sometimes
// two, sometimes one no agent has.
func randomChatSkills(r *rand.Rand) map[string]int {
	switch r.IntN(8) {
	case 0:
		return map[string]int{"spanish": 0}
	case 1:
		return map[string]int{"spanish": 50}
	case 2:
		return map[string]int{"french": 30, "billing": 40}
	case 3:
		return map[string]int{"klingon": 0}
	}
	return nil
}
