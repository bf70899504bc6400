package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/parleycc/parley/metrics"
)

// MetricQuery selects aggregate rows (metrics.Query).
type MetricQuery = metrics.Query

// MetricRows returns the 15-minute rows q selects, in (interval, service,
// agent) order.
func (s *Store) MetricRows(ctx context.Context, q MetricQuery) ([]metrics.Row, error) {
	where, args := queryWhere(q, metrics.Bucket, q.From, q.To)
	rows, err := s.r().query(ctx, `SELECT tenant_id, agent_id, interval_start, service_id, `+
		strings.Join(metrics.CounterColumns, ", ")+` FROM metric_intervals WHERE `+where+
		` ORDER BY interval_start, service_id, agent_id`, args...)
	if err != nil {
		return nil, wrap("metric rows", err)
	}
	out, err := scanMetricRows(rows)
	return out, wrap("metric rows", err)
}

// MetricTotals returns the rows q selects added up over the whole range,
// one per (service, agent), sorted, with Interval set to the range's
// first quarter hour. It reads the range as days, hours and quarter
// hours (metrics.Cover), the database adding up each part: a 90-day
// range of a service reads about 140 rows, not 90 × 96.
func (s *Store) MetricTotals(ctx context.Context, q MetricQuery) ([]metrics.Row, error) {
	type key struct{ service, agent string }
	sums := map[key]*metrics.Counters{}
	for _, sp := range metrics.Cover(q.From, q.To) {
		part, err := s.metricSums(ctx, q, sp, "agent_id, service_id")
		if err != nil {
			return nil, wrap("metric totals", err)
		}
		for _, r := range part {
			k := key{r.ServiceID, r.AgentID}
			if sums[k] == nil {
				sums[k] = &metrics.Counters{}
			}
			sums[k].Add(r.Counters)
		}
	}
	out := make([]metrics.Row, 0, len(sums))
	for k, c := range sums {
		out = append(out, metrics.Row{
			Key:      metrics.Key{TenantID: q.TenantID, ServiceID: k.service, AgentID: k.agent, Interval: metrics.BucketOf(q.From)},
			Counters: *c,
		})
	}
	metrics.SortRows(out)
	return out, nil
}

// MetricIntervals returns the figures q selects added up by interval of
// the stored level that fits size in loc (metrics.LevelFor), over the
// selected services and agents, in time order; their ServiceID is "" and
// AgentID AllAgents. metrics.IntervalReports rolls them up to size.
// A 90-day range reads 90 day rows, 2,160 hour rows or 8,640 quarter-hour
// rows per service, and returns one row per interval.
func (s *Store) MetricIntervals(ctx context.Context, q MetricQuery, size metrics.Interval, loc *time.Location) ([]metrics.Row, error) {
	l := metrics.LevelFor(size, loc, q.From, q.To)
	out, err := s.metricSums(ctx, q, metrics.Span{Len: l, From: metrics.BucketOf(q.From), To: metrics.BucketOf(q.To)}, "interval_start")
	return out, wrap("metric intervals", err)
}

// metricSums adds up q's rows of one span grouped by the given columns
// (agent_id, service_id, interval_start); the others are "" or zero.
func (s *Store) metricSums(ctx context.Context, q MetricQuery, sp metrics.Span, group string) ([]metrics.Row, error) {
	cols := map[string]string{"agent_id": "''", "service_id": "''", "interval_start": "0"}
	for _, g := range strings.Split(group, ", ") {
		cols[g] = g
	}
	where, args := queryWhere(q, sp.Len, sp.From, sp.To)
	rows, err := s.r().query(ctx, `SELECT tenant_id, `+cols["agent_id"]+`, `+cols["interval_start"]+`, `+
		cols["service_id"]+`, `+sumColumns()+` FROM metric_intervals WHERE `+where+
		` GROUP BY tenant_id, `+group+` ORDER BY tenant_id, `+group, args...)
	if err != nil {
		return nil, err
	}
	return scanMetricRows(rows)
}

// sumColumns adds up every counter column.
func sumColumns() string {
	sums := make([]string, len(metrics.CounterColumns))
	for i, c := range metrics.CounterColumns {
		sums[i] = "CAST(SUM(" + c + ") AS BIGINT)"
	}
	return strings.Join(sums, ", ")
}

// ServiceReports returns each service's figures over [from, to).
func (s *Store) ServiceReports(ctx context.Context, tenantID string, from, to time.Time, serviceIDs ...string) ([]metrics.ServiceReport, error) {
	rows, err := s.MetricTotals(ctx, MetricQuery{TenantID: tenantID, From: from, To: to, ServiceIDs: serviceIDs})
	if err != nil {
		return nil, err
	}
	return metrics.ServiceReports(rows), nil
}

// AgentReports returns each agent's figures over [from, to), across the
// given services (all if none).
func (s *Store) AgentReports(ctx context.Context, tenantID string, from, to time.Time, serviceIDs ...string) ([]metrics.AgentReport, error) {
	rows, err := s.MetricTotals(ctx, MetricQuery{TenantID: tenantID, From: from, To: to, Agents: true, ServiceIDs: serviceIDs})
	if err != nil {
		return nil, err
	}
	return metrics.AgentReports(rows), nil
}

// IntervalReports returns the figures of the given services (all if none)
// by interval of size in loc over [from, to).
func (s *Store) IntervalReports(ctx context.Context, tenantID string, from, to time.Time, size metrics.Interval, loc *time.Location, serviceIDs ...string) ([]metrics.IntervalReport, error) {
	rows, err := s.MetricIntervals(ctx, MetricQuery{TenantID: tenantID, From: from, To: to, ServiceIDs: serviceIDs}, size, loc)
	if err != nil {
		return nil, err
	}
	return metrics.IntervalReports(rows, size, loc), nil
}

// queryWhere returns the condition and arguments selecting q's rows of length
// l whose interval starts in [from, to).
func queryWhere(q MetricQuery, l time.Duration, from, to time.Time) (string, []any) {
	row := 0 // agent_row: the services' totals
	if q.Agents || q.AgentID != "" {
		row = 1 // the agents' rows
	}
	conds := []string{"tenant_id = ?", "agent_row = ?", "interval_len = ?", "interval_start >= ?", "interval_start < ?"}
	args := []any{q.TenantID, row, int64(l / time.Second),
		dbTime(metrics.BucketOf(from)), dbTime(metrics.BucketOf(to))}
	if q.AgentID != "" {
		conds = append(conds, "agent_id = ?")
		args = append(args, q.AgentID)
	}
	if len(q.ServiceIDs) > 0 {
		conds = append(conds, "service_id IN (?"+strings.Repeat(", ?", len(q.ServiceIDs)-1)+")")
		for _, id := range q.ServiceIDs {
			args = append(args, id)
		}
	}
	return strings.Join(conds, " AND "), args
}

func scanMetricRows(rows *sql.Rows) ([]metrics.Row, error) {
	defer rows.Close()
	var out []metrics.Row
	for rows.Next() {
		var r metrics.Row
		dst := []any{&r.TenantID, &r.AgentID, scanTime(&r.Interval), &r.ServiceID}
		for _, f := range r.Counters.Fields() {
			dst = append(dst, f)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
