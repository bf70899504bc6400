// Package metricstest generates realistic chat timelines and aggregate
// rows for the tests and benchmarks of package metrics and the store, and
// the demo tenant's report history.
package metricstest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/parleycc/parley"
)

// Traffic describes generated traffic.
type Traffic struct {
	TenantID string
	Start    time.Time // the first chat arrives after it
	Span     time.Duration
	Chats    int
	Services int
	Agents   int
	Seed     uint64
	// Prefix starts the chat ids ("chat-" if empty).
	Prefix string
	// ServiceIDs and AgentIDs, when set, are the ids to use instead of
	// made-up ones (Services and Agents are then their lengths).
	ServiceIDs, AgentIDs []string
}

// Day returns a day of traffic for tests.
func Day(seed uint64, chats int) Traffic {
	return Traffic{
		TenantID: "t", Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Span: 24 * time.Hour,
		Chats: chats, Services: 4, Agents: 12, Seed: seed,
	}
}

// Facts returns the facts of every generated chat, each chat's in time
// order, chats one after another.
func (tr Traffic) Facts() []parley.Fact {
	g := &gen{tr: tr, rnd: rand.New(rand.NewPCG(tr.Seed, tr.Seed^0x9e3779b97f4a7c15))}
	if tr.ServiceIDs != nil {
		g.tr.Services = len(tr.ServiceIDs)
	}
	if tr.AgentIDs != nil {
		g.tr.Agents = len(tr.AgentIDs)
	}
	prefix := tr.Prefix
	if prefix == "" {
		prefix = "chat-"
	}
	var out []parley.Fact
	for i := 0; i < tr.Chats; i++ {
		out = append(out, g.chat(fmt.Sprintf("%s%06d", prefix, i))...)
	}
	return out
}

// gen builds one chat's timeline at a time.
type gen struct {
	tr     Traffic
	rnd    *rand.Rand
	facts  []parley.Fact
	chatID string
	now    time.Time
}

func (g *gen) service() string {
	i := g.rnd.IntN(g.tr.Services)
	if g.tr.ServiceIDs != nil {
		return g.tr.ServiceIDs[i]
	}
	return fmt.Sprintf("svc-%02d", i)
}

func (g *gen) agent() string {
	i := g.rnd.IntN(g.tr.Agents)
	if g.tr.AgentIDs != nil {
		return g.tr.AgentIDs[i]
	}
	return fmt.Sprintf("agent-%03d", i)
}

// after moves the clock on by up to max (at least a second).
func (g *gen) after(max time.Duration) time.Time {
	g.now = g.now.Add(time.Second + time.Duration(g.rnd.Int64N(int64(max))))
	return g.now
}

func (g *gen) emit(kind, service, agent string, mod func(*parley.Fact)) {
	f := parley.Fact{TenantID: g.tr.TenantID, ChatID: g.chatID, ServiceID: service, AgentID: agent, Kind: kind, At: g.now}
	if mod != nil {
		mod(&f)
	}
	g.facts = append(g.facts, f)
}

// chat generates one chat: the bot, a queue (abandoned, or offered,
// declined and accepted), replies, transfers, a conference, an agent
// leaving, the close and surveys; some chats stay with the bot.
func (g *gen) chat(id string) []parley.Fact {
	g.facts, g.chatID = nil, id
	g.now = g.tr.Start.Add(time.Duration(g.rnd.Int64N(int64(g.tr.Span))))
	wrote := g.rnd.IntN(10) < 7
	if wrote {
		g.emit(parley.FactCustomerMessage, "", "", nil)
	}
	if g.rnd.IntN(20) == 0 { // bot only
		g.after(5 * time.Minute)
		g.emit(parley.FactClosed, "", "", nil)
		g.surveys("")
		return g.facts
	}
	g.after(time.Minute)
	svc, agent := g.service(), ""
	for hop := 0; hop < 3; hop++ {
		g.emit(parley.FactEnteredQueue, svc, "", nil)
		agent = g.queue(svc)
		if agent == "" {
			return g.facts // abandoned
		}
		next, ok := g.segment(svc, agent)
		if !ok {
			break
		}
		svc = next
	}
	g.after(2 * time.Minute)
	g.emit(parley.FactClosed, svc, agent, nil)
	g.surveys(svc)
	return g.facts
}

// queue waits in svc: abandoned (returns "") or offered, perhaps declined,
// and accepted (returns the agent).
func (g *gen) queue(svc string) string {
	if g.rnd.IntN(7) == 0 {
		g.after(time.Duration(g.rnd.IntN(3)+1) * 20 * time.Second)
		g.emit(parley.FactAbandoned, svc, "", nil)
		return ""
	}
	for d := g.rnd.IntN(3); d > 0; d-- {
		g.after(30 * time.Second)
		g.emit(parley.FactOffered, svc, g.agent(), nil) // declined or timed out
	}
	agent := g.agent()
	g.after(40 * time.Second)
	g.emit(parley.FactOffered, svc, agent, nil)
	g.after(20 * time.Second)
	g.emit(parley.FactAccepted, svc, agent, nil)
	return agent
}

// segment plays an agent segment: replies, maybe a conference, then a
// transfer or an agent leaving (returns the next service and true) or
// nothing (the chat will close: false).
func (g *gen) segment(svc, agent string) (string, bool) {
	for i, n := 0, g.rnd.IntN(5); i < n; i++ {
		if g.rnd.IntN(2) == 0 {
			g.after(2 * time.Minute)
			g.emit(parley.FactCustomerMessage, "", "", nil)
		}
		g.after(3 * time.Minute)
		kind := parley.FactAgentReply
		if i == 0 {
			kind = parley.FactFirstAgentReply
		}
		g.emit(kind, svc, agent, nil)
	}
	if g.rnd.IntN(20) == 0 {
		g.after(time.Minute)
		g.emit(parley.FactConferenceJoined, svc, g.agent(), nil)
		g.after(time.Minute)
		g.emit(parley.FactAgentReply, svc, g.agent(), nil)
	}
	if g.rnd.IntN(2) == 0 {
		g.after(time.Minute)
		g.emit(parley.FactDispositionSet, svc, agent, func(f *parley.Fact) { f.Disposition = "resolved" })
	}
	switch g.rnd.IntN(12) {
	case 0, 1:
		next := g.service()
		g.after(10 * time.Minute)
		g.emit(parley.FactTransferred, svc, agent, func(f *parley.Fact) { f.TargetService = next })
		return next, true
	case 2:
		g.after(40 * time.Minute)
		g.emit(parley.FactAgentLeft, svc, agent, nil)
		return svc, true
	}
	g.after(20 * time.Minute)
	return svc, false
}

// surveys answers 0–3 satisfaction questions.
func (g *gen) surveys(svc string) {
	if g.rnd.IntN(5) >= 2 {
		return
	}
	for n := g.rnd.IntN(3) + 1; n > 0; n-- {
		g.after(30 * time.Second)
		score := g.rnd.IntN(5) + 1
		g.emit(parley.FactSurveyAnswered, svc, "", func(f *parley.Fact) { f.Score = score })
	}
}
