package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// benchIndex builds a tenant with the given numbers of agents (capacity 3,
// each in 5 of the services, all Ready), services (auto-accept) and
// waiting chats, routed until every agent is full, so that every further
// decision serves freed capacity from a long queue.
//
// With chatSkills, agents speak each of three languages with a chance of
// one in three, and chatSkills picks each chat's own requirements.
func benchIndex(agents, services, waiting int, chatSkills func(*rand.Rand) map[string]int) (*Index, []string, *rand.Rand) {
	r := rand.New(rand.NewPCG(1, 2))
	x := NewIndex()
	for i := range services {
		strategy := []string{"", parley.StrategyLeastBusy, parley.StrategyMostSkilled}[i%3]
		x.SetService(Service{ID: fmt.Sprintf("s%03d", i), Name: fmt.Sprint("S", i), Strategy: strategy, AutoAccept: true,
			Skills: map[string]int{"lang": 10}})
	}
	ids := make([]string, agents)
	for i := range agents {
		a := Agent{ID: fmt.Sprintf("a%05d", i), Name: fmt.Sprint("A", i), State: parley.StateReady, Present: true, Capacity: 3,
			IdleSince: t0.Add(time.Duration(r.IntN(3600)) * time.Second), Skills: map[string]int{"lang": 10 + r.IntN(90)}}
		if chatSkills != nil {
			for _, l := range benchLangs {
				if r.IntN(3) == 0 {
					a.Skills[l] = 10 + r.IntN(90)
				}
			}
		}
		for range 5 {
			a.Services = append(a.Services, fmt.Sprintf("s%03d", r.IntN(services)))
		}
		slices.Sort(a.Services)
		a.Services = slices.Compact(a.Services)
		x.SetAgent(a)
		ids[i] = a.ID
	}
	for i := range waiting + agents*3 {
		c := Chat{ID: fmt.Sprintf("c%08d", i), ServiceID: fmt.Sprintf("s%03d", r.IntN(services)), Priority: r.IntN(3),
			QueuedAt: t0.Add(time.Duration(i) * time.Millisecond)}
		if chatSkills != nil {
			c.Skills = chatSkills(r)
		}
		x.SetChat(c)
	}
	x.Route(t0, 0)
	return x, ids, r
}

// cycle frees one chat of a random agent, makes the decision that fills
// the slot again and puts a new chat in line, so the queue stays as long.
func cycle(x *Index, ids []string, r *rand.Rand, n int, now time.Time, services int, chatSkills func(*rand.Rand) map[string]int) (Decision, bool) {
	x.Release(ids[r.IntN(len(ids))], now)
	c := Chat{ID: fmt.Sprintf("n%09d", n), ServiceID: fmt.Sprintf("s%03d", r.IntN(services)), Priority: r.IntN(3), QueuedAt: now}
	if chatSkills != nil {
		c.Skills = chatSkills(r)
	}
	x.SetChat(c)
	return x.Next(now)
}

var benchLangs = []string{"spanish", "french", "german"}

// benchChatSkills: 30 % of the chats require a language, a third of those
// at level 50 or more.
func benchChatSkills(r *rand.Rand) map[string]int {
	if r.IntN(10) >= 3 {
		return nil
	}
	lvl := 0
	if r.IntN(3) == 0 {
		lvl = 50
	}
	return map[string]int{benchLangs[r.IntN(len(benchLangs))]: lvl}
}

// BenchmarkDecision is the figure of docs/BENCHMARKS.md: 1,000 agents, 50
// services, 10,000 waiting chats. One op is a freed slot, a new chat and a
// routing decision.
func BenchmarkDecision(b *testing.B) {
	benchDecisions(b, 1000, 50, 10000, nil)
}

// BenchmarkDecisionChatSkills is BenchmarkDecision with per-chat required
// skills (Find Agent's required_skills) on 30 % of the chats: each service's
// line is split into up to seven requirement classes.
func BenchmarkDecisionChatSkills(b *testing.B) {
	benchDecisions(b, 1000, 50, 10000, benchChatSkills)
}

// BenchmarkDecisionScale shows how the cost grows with agents and waiting chats.
func BenchmarkDecisionScale(b *testing.B) {
	for _, agents := range []int{100, 1000, 10000} {
		for _, waiting := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("agents=%d/waiting=%d", agents, waiting), func(b *testing.B) {
				benchDecisions(b, agents, 50, waiting, nil)
			})
		}
	}
}

func benchDecisions(b *testing.B, agents, services, waiting int, chatSkills func(*rand.Rand) map[string]int) {
	x, ids, r := benchIndex(agents, services, waiting, chatSkills)
	lat := make([]time.Duration, 0, b.N)
	now := t0.Add(time.Hour)
	decided := 0
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		_, ok := cycle(x, ids, r, i, now, services, chatSkills)
		lat = append(lat, time.Since(start))
		if ok {
			decided++
		}
		now = now.Add(time.Millisecond)
	}
	b.StopTimer()
	if decided == 0 {
		b.Fatal("no decisions")
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(decided)/b.Elapsed().Seconds(), "decisions/s")
}
