package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parleycc/parley/metrics"
)

// Writes of metric_intervals: the deltas of FactLog.AddFacts and rows
// added directly (AddMetricRows), at every level of metrics.Levels.

// upsertMetricDeltas adds 15-minute deltas to their rows at every level
// (metrics.Levels): duplicates merged, in key order (so that concurrent
// transactions lock rows in one order), in multi-row statements.
func upsertMetricDeltas(ctx context.Context, r runner, deltas []metrics.Row) error {
	levels := levelRows(deltas)
	rows := make([][]any, len(levels))
	for i, d := range levels {
		row := []any{d.TenantID, agentRow(d.AgentID), d.AgentID, int64(d.len / time.Second), dbTime(d.Interval), d.ServiceID}
		for _, f := range d.Counters.Fields() {
			row = append(row, *f)
		}
		rows[i] = row
	}
	if err := metricUpsert.exec(ctx, r, rows); err != nil {
		return fmt.Errorf("upsert metric intervals: %w", err)
	}
	return nil
}

// metricUpsert adds rows' counters to the stored ones.
var metricUpsert = func() bulkInsert {
	cols := metrics.CounterColumns
	sets := make([]string, len(cols))
	types := []string{"text", "int", "text", "int", "bigint", "text"}
	for i, c := range cols {
		sets[i] = c + " = metric_intervals." + c + " + excluded." + c
		types = append(types, "bigint")
	}
	return bulkInsert{table: "metric_intervals",
		cols:  append([]string{"tenant_id", "agent_row", "agent_id", "interval_len", "interval_start", "service_id"}, cols...),
		types: types,
		tail: "ON CONFLICT (tenant_id, agent_row, interval_len, interval_start, agent_id, service_id) DO UPDATE SET " +
			strings.Join(sets, ", ")}
}()

// levelRow is a row of one level.
type levelRow struct {
	metrics.Row
	len time.Duration
}

// agentRow is the agent_row column: 1 for an agent's row, 0 for a
// service's total.
func agentRow(agentID string) int {
	if agentID == metrics.AllAgents {
		return 0
	}
	return 1
}

// less orders rows as the primary key does: tenant, agent row or not,
// length, interval, agent, service.
func (a levelRow) less(b levelRow) bool {
	switch {
	case a.TenantID != b.TenantID:
		return a.TenantID < b.TenantID
	case agentRow(a.AgentID) != agentRow(b.AgentID):
		return agentRow(a.AgentID) < agentRow(b.AgentID)
	case a.len != b.len:
		return a.len < b.len
	case !a.Interval.Equal(b.Interval):
		return a.Interval.Before(b.Interval)
	case a.AgentID != b.AgentID:
		return a.AgentID < b.AgentID
	}
	return a.ServiceID < b.ServiceID
}

// levelRows returns the 15-minute rows at every level, rows of the same
// key added up (a statement may not update one row twice), sorted.
func levelRows(rows []metrics.Row) []levelRow {
	type key struct {
		metrics.Key
		len time.Duration
	}
	m := make(map[key]int, 3*len(rows))
	var out []levelRow
	for _, r := range rows {
		for _, l := range metrics.Levels {
			lr := levelRow{Row: r, len: l}
			lr.Interval = r.Interval.UTC().Truncate(l)
			k := key{lr.Key, l}
			if i, ok := m[k]; ok {
				out[i].Counters.Add(r.Counters)
				continue
			}
			m[k] = len(out)
			out = append(out, lr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}

// AddMetricRows adds rows' counters to the stored aggregates in one
// transaction, without facts: for backfills, imports and benchmarks.
// Reports then disagree with the facts by exactly these rows.
func (s *Store) AddMetricRows(ctx context.Context, rows []metrics.Row) error {
	err := s.inTx(ctx, func(r runner) error { return upsertMetricDeltas(ctx, r, rows) })
	return wrap("add metric rows", err)
}
