package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/parleycc/parley/metrics"
)

// MetricQuery selects aggregate rows: the tenant's rows whose 15-minute
// interval starts in [From, To) (From is rounded down to its quarter
// hour). Agents false reads the services' total rows, true the agents'
// rows. ServiceIDs and AgentID, when set, narrow the selection.
type MetricQuery struct {
	TenantID   string
	From, To   time.Time
	Agents     bool
	ServiceIDs []string
	AgentID    string
}

// MetricRows returns the 15-minute rows q selects, in (interval, service,
// agent) order. A 90-day report of one service reads at most 90 × 96
// total rows (100 on a day that gains an hour).
func (s *Store) MetricRows(ctx context.Context, q MetricQuery) ([]metrics.Row, error) {
	where, args := q.where()
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
// one per (service, agent), with Interval set to the range's first
// quarter hour. The database adds them up, so a 90-day report reads one
// row per service from it.
func (s *Store) MetricTotals(ctx context.Context, q MetricQuery) ([]metrics.Row, error) {
	where, args := q.where()
	sums := make([]string, len(metrics.CounterColumns))
	for i, c := range metrics.CounterColumns {
		sums[i] = "CAST(SUM(" + c + ") AS BIGINT)"
	}
	rows, err := s.r().query(ctx, `SELECT tenant_id, agent_id, MIN(interval_start), service_id, `+
		strings.Join(sums, ", ")+` FROM metric_intervals WHERE `+where+
		` GROUP BY tenant_id, agent_id, service_id ORDER BY service_id, agent_id`, args...)
	if err != nil {
		return nil, wrap("metric totals", err)
	}
	out, err := scanMetricRows(rows)
	if err != nil {
		return nil, wrap("metric totals", err)
	}
	for i := range out {
		out[i].Interval = metrics.BucketOf(q.From)
	}
	return out, nil
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
	rows, err := s.MetricRows(ctx, MetricQuery{TenantID: tenantID, From: from, To: to, ServiceIDs: serviceIDs})
	if err != nil {
		return nil, err
	}
	return metrics.IntervalReports(rows, size, loc), nil
}

// where returns the query's condition and arguments.
func (q MetricQuery) where() (string, []any) {
	conds := []string{"tenant_id = ?", "interval_start >= ?", "interval_start < ?"}
	args := []any{q.TenantID, dbTime(metrics.BucketOf(q.From)), dbTime(q.To)}
	switch {
	case q.AgentID != "":
		conds = append(conds, "agent_id = ?")
		args = append(args, q.AgentID)
	case q.Agents:
		conds = append(conds, "agent_id <> ?")
		args = append(args, metrics.AllAgents)
	default:
		conds = append(conds, "agent_id = ?")
		args = append(args, metrics.AllAgents)
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
