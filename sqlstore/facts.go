package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// FactLog appends the facts of chats' lives (chat_facts) and keeps the
// report aggregates (metric_intervals) in step with them in the same
// transaction, so reports never disagree with the facts. Its thresholds
// are fixed when it is made: facts stored later are counted with them.
type FactLog struct {
	s   *Store
	agg *metrics.Aggregator
}

// FactLog returns the store's fact log counting with cfg's thresholds.
func (s *Store) FactLog(cfg metrics.Config) *FactLog {
	return &FactLog{s: s, agg: metrics.NewAggregator(cfg)}
}

// AddFacts validates and stores facts (of any chats and tenants) and
// applies the aggregator's deltas, all in one transaction. Each chat's
// earlier timeline is read under a per-chat lock, so concurrent writers of
// one chat are counted once. It sets the facts' ID and normalizes At.
func (l *FactLog) AddFacts(ctx context.Context, facts []parley.Fact) error {
	for i := range facts {
		if err := facts[i].Validate(); err != nil {
			return err
		}
	}
	byChat := groupByChat(facts)
	ids := make([]int64, len(facts))
	err := l.s.inTx(ctx, func(r runner) error {
		var deltas []metrics.Row
		for _, g := range byChat {
			d, err := l.addChatFacts(ctx, r, facts, g, ids)
			if err != nil {
				return err
			}
			deltas = append(deltas, d...)
		}
		return upsertMetricDeltas(ctx, r, deltas)
	})
	if err != nil {
		return wrap("add facts", err)
	}
	for i := range facts {
		facts[i].ID, facts[i].At = ids[i], normTime(facts[i].At)
	}
	return nil
}

// chatGroup is the indexes of one chat's facts within a batch.
type chatGroup struct {
	tenant, chat string
	idx          []int
}

// groupByChat groups facts by chat, chats in (tenant, chat) order so that
// transactions take their locks in one order.
func groupByChat(facts []parley.Fact) []chatGroup {
	m := map[[2]string]*chatGroup{}
	for i, f := range facts {
		k := [2]string{f.TenantID, f.ChatID}
		g, ok := m[k]
		if !ok {
			g = &chatGroup{tenant: f.TenantID, chat: f.ChatID}
			m[k] = g
		}
		g.idx = append(g.idx, i)
	}
	out := make([]chatGroup, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].tenant != out[j].tenant {
			return out[i].tenant < out[j].tenant
		}
		return out[i].chat < out[j].chat
	})
	return out
}

// addChatFacts locks the chat, takes its timeline (fact_timelines.go),
// inserts its new facts (recording their ids in ids) and returns the
// counter deltas.
func (l *FactLog) addChatFacts(ctx context.Context, r runner, facts []parley.Fact, g chatGroup, ids []int64) ([]metrics.Row, error) {
	if err := l.s.d.xactLock(ctx, r, "facts:"+g.tenant+":"+g.chat); err != nil {
		return nil, fmt.Errorf("lock chat %s: %w", g.chat, err)
	}
	added := make([]parley.Fact, 0, len(g.idx))
	for _, i := range g.idx {
		f := facts[i]
		f.At = normTime(f.At)
		added = append(added, f)
	}
	key := [2]string{g.tenant, g.chat}
	earlier, err := l.s.earlierFacts(ctx, r, key, added)
	if err != nil {
		return nil, err
	}
	for j, i := range g.idx {
		if added[j].ID, err = insertFact(ctx, r, &added[j]); err != nil {
			return nil, err
		}
		ids[i] = added[j].ID
	}
	l.s.keepTimeline(r, key, earlier, added)
	return l.agg.Deltas(earlier.facts, added), nil
}

func insertFact(ctx context.Context, r runner, f *parley.Fact) (int64, error) {
	var id int64
	err := r.queryRow(ctx, `INSERT INTO chat_facts (tenant_id, chat_id, service_id, agent_id, kind, at,
		score, disposition, target_service, target_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.TenantID, f.ChatID, f.ServiceID, f.AgentID, f.Kind, dbTime(f.At),
		f.Score, f.Disposition, f.TargetService, f.TargetAgent).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert fact %s: %w", f.Kind, err)
	}
	return id, nil
}

const factColumns = `id, tenant_id, chat_id, service_id, agent_id, kind, at, score, disposition, target_service, target_agent`

// ChatFacts returns a chat's timeline: its facts by time, then by id.
func (s *Store) ChatFacts(ctx context.Context, tenantID, chatID string) ([]parley.Fact, error) {
	facts, err := chatFacts(ctx, s.r(), tenantID, chatID)
	return facts, wrap("chat facts", err)
}

// FactsBetween returns the tenant's facts with from <= At < to, by time
// then id (the timelines of chats interleaved).
func (s *Store) FactsBetween(ctx context.Context, tenantID string, from, to time.Time) ([]parley.Fact, error) {
	rows, err := s.r().query(ctx, `SELECT `+factColumns+` FROM chat_facts
		WHERE tenant_id = ? AND at >= ? AND at < ? ORDER BY at, id`, tenantID, dbTime(from), dbTime(to))
	if err != nil {
		return nil, wrap("facts between", err)
	}
	facts, err := scanFacts(rows)
	return facts, wrap("facts between", err)
}

func chatFacts(ctx context.Context, r runner, tenantID, chatID string) ([]parley.Fact, error) {
	rows, err := r.query(ctx, `SELECT `+factColumns+` FROM chat_facts
		WHERE tenant_id = ? AND chat_id = ? ORDER BY at, id`, tenantID, chatID)
	if err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", chatID, err)
	}
	return scanFacts(rows)
}

func scanFacts(rows *sql.Rows) ([]parley.Fact, error) {
	defer rows.Close()
	var out []parley.Fact
	for rows.Next() {
		var f parley.Fact
		if err := rows.Scan(&f.ID, &f.TenantID, &f.ChatID, &f.ServiceID, &f.AgentID, &f.Kind,
			scanTime(&f.At), &f.Score, &f.Disposition, &f.TargetService, &f.TargetAgent); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
