package sqlstore

import (
	"context"
	"time"

	"github.com/parleycc/parley"
)

// FactCount is how many facts of one kind a (service, agent, disposition,
// score) had in a range.
type FactCount = parley.FactCount

// FactCounts counts the tenant's facts of kind with from <= At < to by
// service, agent, disposition and score (dispositions, survey answers).
func (s *Store) FactCounts(ctx context.Context, tenantID, kind string, from, to time.Time) ([]parley.FactCount, error) {
	rows, err := s.r().query(ctx, `SELECT service_id, agent_id, disposition, score, COUNT(*) FROM chat_facts
		WHERE tenant_id = ? AND at >= ? AND at < ? AND kind = ?
		GROUP BY service_id, agent_id, disposition, score ORDER BY service_id, agent_id, disposition, score`,
		tenantID, dbTime(from), dbTime(to), kind)
	if err != nil {
		return nil, wrap("fact counts", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (parley.FactCount, error) {
		var c parley.FactCount
		return c, sc.Scan(&c.ServiceID, &c.AgentID, &c.Disposition, &c.Score, &c.N)
	})
	return out, wrap("fact counts", err)
}

// ChatTimelines returns the timelines of the first limit chats (by their
// first fact) that entered a queue or were accepted in [from, to): the
// interaction detail report. With serviceIDs, only chats that entered or
// were accepted in one of them count (a supervisor's scope), so the limit
// is not spent on chats the report leaves out.
func (s *Store) ChatTimelines(ctx context.Context, tenantID string, from, to time.Time, serviceIDs []string, limit int) ([][]parley.Fact, error) {
	scope, args := "", []any{tenantID, tenantID, dbTime(from), dbTime(to), parley.FactEnteredQueue, parley.FactAccepted}
	if len(serviceIDs) > 0 {
		scope = " AND service_id IN (" + placeholders(len(serviceIDs)) + ")"
		args = append(args, anySlice(serviceIDs)...)
	}
	args = append(args, limit)
	rows, err := s.r().query(ctx, `SELECT `+factColumns+` FROM chat_facts WHERE tenant_id = ? AND chat_id IN (
		SELECT chat_id FROM (SELECT chat_id, MIN(at) AS first FROM chat_facts
			WHERE tenant_id = ? AND at >= ? AND at < ? AND kind IN (?, ?)`+scope+`
			GROUP BY chat_id ORDER BY first, chat_id LIMIT ?) x)
		ORDER BY chat_id, at, id`, args...)
	if err != nil {
		return nil, wrap("chat timelines", err)
	}
	facts, err := scanFacts(rows)
	if err != nil {
		return nil, wrap("chat timelines", err)
	}
	var out [][]parley.Fact
	for i := 0; i < len(facts); {
		j := i
		for j < len(facts) && facts[j].ChatID == facts[i].ChatID {
			j++
		}
		out = append(out, facts[i:j])
		i = j
	}
	return out, nil
}
