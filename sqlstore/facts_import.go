package sqlstore

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// importBatch chats per query keep a statement within both databases'
// limits on bound parameters.
const importBatch = 300

// ImportFacts stores the whole timelines of chats the store holds no facts
// of (history brought in from elsewhere, the demo's generated weeks) and
// adds them to the aggregates, in one transaction. Because no chat has an
// earlier timeline, it skips AddFacts' per-chat lock and read and inserts
// in multi-row statements (bulkInsert): thousands of facts take a round
// trip or two. A chat that already has facts is refused, nothing stored. The
// facts' IDs are not set.
func (s *Store) ImportFacts(ctx context.Context, facts []parley.Fact) error {
	for i := range facts {
		if err := facts[i].Validate(); err != nil {
			return err
		}
		facts[i].At = normTime(facts[i].At)
	}
	groups := groupByChat(facts)
	err := s.inTx(ctx, func(r runner) error {
		if err := refuseKnownChats(ctx, r, groups); err != nil {
			return err
		}
		rows := make([][]any, len(facts))
		for i := range facts {
			rows[i] = factRow(&facts[i])
		}
		if err := newFacts.exec(ctx, r, rows); err != nil {
			return fmt.Errorf("insert facts: %w", err)
		}
		var deltas []metrics.Row
		for tenant, gs := range groupsByTenant(groups) {
			cfg, err := metricConfig(ctx, r, tenant)
			if err != nil {
				return err
			}
			agg := metrics.NewAggregator(cfg)
			for _, g := range gs {
				timeline := make([]parley.Fact, len(g.idx))
				for j, i := range g.idx {
					timeline[j] = facts[i]
				}
				deltas = append(deltas, agg.Deltas(nil, timeline)...)
			}
		}
		return upsertMetricDeltas(ctx, r, deltas)
	})
	return wrap("import facts", err)
}

func groupsByTenant(groups []chatGroup) map[string][]chatGroup {
	out := map[string][]chatGroup{}
	for _, g := range groups {
		out[g.tenant] = append(out[g.tenant], g)
	}
	return out
}

// refuseKnownChats fails if any of the chats already has facts.
func refuseKnownChats(ctx context.Context, r runner, groups []chatGroup) error {
	for tenant, gs := range groupsByTenant(groups) {
		for i := 0; i < len(gs); i += importBatch {
			part := gs[i:min(i+importBatch, len(gs))]
			args := make([]any, 0, len(part)+1)
			args = append(args, tenant)
			for _, g := range part {
				args = append(args, g.chat)
			}
			var known string
			err := r.queryRow(ctx, `SELECT COALESCE(MIN(chat_id), '') FROM chat_facts WHERE tenant_id = ? AND chat_id IN (`+
				placeholders(len(part))+`)`, args...).Scan(&known)
			if err != nil {
				return fmt.Errorf("look for known chats: %w", err)
			}
			if known != "" {
				return parley.Errorf(parley.ECONFLICT, "chat %s already has facts", known)
			}
		}
	}
	return nil
}
