package metricstest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/parleycc/parley/metrics"
)

// Load describes aggregate rows generated directly (without facts), for
// benchmarks: ChatsPerDay chats spread over Services and Agents.
type Load struct {
	TenantID    string
	Start       time.Time // midnight UTC of the first day
	Services    int
	Agents      int
	ChatsPerDay int
	Seed        uint64
}

// DayRows returns the rows of day d (0-based): every service's total row
// of every quarter hour that had chats, and one row per agent who
// answered some of them.
func (l Load) DayRows(d int) []metrics.Row {
	rnd := rand.New(rand.NewPCG(l.Seed, uint64(d)))
	day := l.Start.AddDate(0, 0, d)
	perRow := float64(l.ChatsPerDay) / float64(96*l.Services) // mean chats per service and quarter hour
	var out []metrics.Row
	for b := 0; b < 96; b++ {
		interval := day.Add(time.Duration(b) * metrics.Bucket)
		for s := 0; s < l.Services; s++ {
			out = append(out, l.serviceRows(rnd, interval, s, perRow)...)
		}
	}
	return out
}

// serviceRows returns one service's quarter hour: its total row and its
// agents' rows. Each service has its team: Agents/Services agents.
func (l Load) serviceRows(rnd *rand.Rand, interval time.Time, s int, mean float64) []metrics.Row {
	svc, team := fmt.Sprintf("svc-%02d", s), max(1, l.Agents/l.Services)
	offered := int64(rnd.Float64()*2*mean + 0.5) // uniform, mean `mean`
	if offered == 0 {
		return nil
	}
	key := metrics.Key{TenantID: l.TenantID, ServiceID: svc, AgentID: metrics.AllAgents, Interval: interval}
	total := metrics.Row{Key: key}
	total.Offered = offered
	var agents []metrics.Row
	for i := int64(0); i < offered; i++ {
		if rnd.IntN(8) == 0 {
			if rnd.IntN(3) == 0 {
				total.ShortAbandoned++
			} else {
				total.Abandoned++
			}
			continue
		}
		c := answeredChat(rnd)
		total.Add(c)
		k := key
		k.AgentID = fmt.Sprintf("agent-%03d", (s*team+rnd.IntN(team))%l.Agents)
		agents = append(agents, metrics.Row{Key: k, Counters: c})
	}
	return append([]metrics.Row{total}, agents...)
}

// answeredChat returns the counters of one answered and handled chat.
func answeredChat(rnd *rand.Rand) metrics.Counters {
	wait := time.Duration(rnd.IntN(120)) * time.Second
	handle := time.Duration(60+rnd.IntN(2400)) * time.Second
	c := metrics.Counters{
		Answered: 1, AnswerMicros: wait.Microseconds(), Offers: 1 + int64(rnd.IntN(2)),
		Handled: 1, HandleMicros: handle.Microseconds(),
		FirstResponses: 1, FirstResponseMicros: int64(rnd.IntN(90_000_000)),
	}
	if wait <= time.Minute {
		c.AnsweredInSL = 1
	}
	if handle > 30*time.Minute {
		c.OverLimit = 1
	}
	if rnd.IntN(10) == 0 {
		c.Transfers = 1
	}
	if rnd.IntN(3) == 0 {
		c.SurveyAnswers = 1
		if rnd.IntN(4) != 0 {
			c.SurveyPositive = 1
		}
	}
	return c
}
