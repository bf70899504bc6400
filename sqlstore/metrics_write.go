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
	rows := levelRows(deltas)
	if r.d.pg() {
		return upsertMetricRowsPG(ctx, r, rows)
	}
	for len(rows) > 0 {
		n := min(len(rows), upsertBatch)
		q := upsertMetricQuery(n)
		args := make([]any, 0, n*(6+len(metrics.CounterColumns)))
		for _, d := range rows[:n] {
			args = append(args, d.TenantID, agentRow(d.AgentID), d.AgentID, int64(d.len/time.Second), dbTime(d.Interval), d.ServiceID)
			for _, f := range d.Counters.Fields() {
				args = append(args, *f)
			}
		}
		if _, err := r.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("upsert metric intervals: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

// upsertMetricRowsPG is upsertMetricDeltas' statement on PostgreSQL: one
// array per column, unnested in order, so that a statement of any size is
// the same prepared one (a VALUES list of hundreds of rows is planned
// anew each time).
func upsertMetricRowsPG(ctx context.Context, r runner, rows []levelRow) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	tenants, agents, services := make([]string, n), make([]string, n), make([]string, n)
	agentRows, lens, starts := make([]int64, n), make([]int64, n), make([]int64, n)
	counters := make([][]int64, len(metrics.CounterColumns))
	for j := range counters {
		counters[j] = make([]int64, n)
	}
	for i, d := range rows {
		tenants[i], agents[i], services[i] = d.TenantID, d.AgentID, d.ServiceID
		agentRows[i], lens[i], starts[i] = int64(agentRow(d.AgentID)), int64(d.len/time.Second), d.Interval.UnixMicro()
		for j, f := range d.Counters.Fields() {
			counters[j][i] = *f
		}
	}
	args := []any{tenants, agentRows, agents, lens, starts, services}
	for _, c := range counters {
		args = append(args, c)
	}
	if _, err := r.exec(ctx, upsertMetricPGQuery, args...); err != nil {
		return fmt.Errorf("upsert metric intervals: %w", err)
	}
	return nil
}

var upsertMetricPGQuery = func() string {
	cols := metrics.CounterColumns
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c + " = metric_intervals." + c + " + excluded." + c
	}
	arrays := "?::text[], ?::int[], ?::text[], ?::int[], ?::bigint[], ?::text[]" + strings.Repeat(", ?::bigint[]", len(cols))
	names := "t, ar, a, l, st, s, " + strings.Join(cols, ", ")
	return "INSERT INTO metric_intervals (tenant_id, agent_row, agent_id, interval_len, interval_start, service_id, " +
		strings.Join(cols, ", ") + ") SELECT " + names + " FROM unnest(" + arrays + ") WITH ORDINALITY AS u(" + names + ", n) ORDER BY n" +
		" ON CONFLICT (tenant_id, agent_row, interval_len, interval_start, agent_id, service_id) DO UPDATE SET " +
		strings.Join(sets, ", ")
}()

// upsertBatch rows per statement keep within both databases' limits on
// bound parameters (22 per row).
const upsertBatch = 400

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

// upsertMetricQuery adds n rows' counters to the stored ones.
func upsertMetricQuery(n int) string {
	cols := metrics.CounterColumns
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c + " = metric_intervals." + c + " + excluded." + c
	}
	tuple := "(?, ?, ?, ?, ?, ?" + strings.Repeat(", ?", len(cols)) + ")"
	return "INSERT INTO metric_intervals (tenant_id, agent_row, agent_id, interval_len, interval_start, service_id, " +
		strings.Join(cols, ", ") + ") VALUES " + tuple + strings.Repeat(", "+tuple, n-1) +
		" ON CONFLICT (tenant_id, agent_row, interval_len, interval_start, agent_id, service_id) DO UPDATE SET " +
		strings.Join(sets, ", ")
}

// AddMetricRows adds rows' counters to the stored aggregates in one
// transaction, without facts: for backfills, imports and benchmarks.
// Reports then disagree with the facts by exactly these rows.
func (s *Store) AddMetricRows(ctx context.Context, rows []metrics.Row) error {
	err := s.inTx(ctx, func(r runner) error { return upsertMetricDeltas(ctx, r, rows) })
	return wrap("add metric rows", err)
}
