package sqlstore

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// RecountMetrics recomputes a tenant's report aggregates from its facts
// with the services' current thresholds, in one transaction: after a
// threshold change, history then reads as if the new thresholds had
// always applied (by default each chat counts with the thresholds in
// force when it happened). It returns how many chats it counted. The
// facts are read a chat at a time and only the merged 15-minute rows are
// held, so memory follows the number of rows, not of facts.
func (s *Store) RecountMetrics(ctx context.Context, tenantID string) (int, error) {
	chats := 0
	err := s.inTx(ctx, func(r runner) error {
		chats = 0
		cfg, err := metricConfig(ctx, r, tenantID)
		if err != nil {
			return err
		}
		agg := metrics.NewAggregator(cfg)
		merged := map[metrics.Key]*metrics.Counters{}
		var timeline []parley.Fact
		flush := func() {
			if len(timeline) == 0 {
				return
			}
			chats++
			for _, d := range agg.Deltas(nil, timeline) {
				c := merged[d.Key]
				if c == nil {
					c = &metrics.Counters{}
					merged[d.Key] = c
				}
				c.Add(d.Counters)
			}
			timeline = timeline[:0]
		}
		rows, err := r.query(ctx, `SELECT `+factColumns+` FROM chat_facts WHERE tenant_id = ? ORDER BY chat_id, at, id`, tenantID)
		if err != nil {
			return fmt.Errorf("read facts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var f parley.Fact
			if err := rows.Scan(&f.ID, &f.TenantID, &f.ChatID, &f.ServiceID, &f.AgentID, &f.Kind,
				scanTime(&f.At), &f.Score, &f.Disposition, &f.TargetService, &f.TargetAgent); err != nil {
				return fmt.Errorf("read fact: %w", err)
			}
			if len(timeline) > 0 && timeline[0].ChatID != f.ChatID {
				flush()
			}
			timeline = append(timeline, f)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read facts: %w", err)
		}
		rows.Close()
		flush()
		if _, err := r.exec(ctx, "DELETE FROM metric_intervals WHERE tenant_id = ?", tenantID); err != nil {
			return fmt.Errorf("clear aggregates: %w", err)
		}
		deltas := make([]metrics.Row, 0, len(merged))
		for k, c := range merged {
			if !c.IsZero() {
				deltas = append(deltas, metrics.Row{Key: k, Counters: *c})
			}
		}
		return upsertMetricDeltas(ctx, r, deltas)
	})
	return chats, wrap("recount metrics", err)
}
