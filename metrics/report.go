package metrics

import (
	"sort"
	"time"
)

// ServiceReport is one service's figures over a range: its total rows
// (AgentID AllAgents) added up. The figures are Counters' methods
// (ServiceLevel, AverageSpeedOfAnswer, AverageFirstResponse,
// AverageHandleTime, CSAT).
type ServiceReport struct {
	ServiceID string
	Counters
}

// AgentReport is one agent's figures over a range, across services: her
// rows added up. Queue figures (Offered, Abandoned, ShortAbandoned) are
// never an agent's and stay 0.
type AgentReport struct {
	AgentID string
	Counters
}

// IntervalReport is the figures of one interval (all services of the
// rows given, or filter them first).
type IntervalReport struct {
	Start, End time.Time // in the report's time zone
	Counters
}

// ServiceReports adds up the service total rows by service, sorted by
// service id. Agent rows are ignored.
func ServiceReports(rows []Row) []ServiceReport {
	sums := map[string]*Counters{}
	for _, r := range rows {
		if r.AgentID == AllAgents {
			sumInto(sums, r.ServiceID, r.Counters)
		}
	}
	out := make([]ServiceReport, 0, len(sums))
	for _, id := range sortedKeys(sums) {
		out = append(out, ServiceReport{ServiceID: id, Counters: *sums[id]})
	}
	return out
}

// AgentReports adds up the agent rows by agent, sorted by agent id.
// Service total rows are ignored.
func AgentReports(rows []Row) []AgentReport {
	sums := map[string]*Counters{}
	for _, r := range rows {
		if r.AgentID != AllAgents {
			sumInto(sums, r.AgentID, r.Counters)
		}
	}
	out := make([]AgentReport, 0, len(sums))
	for _, id := range sortedKeys(sums) {
		out = append(out, AgentReport{AgentID: id, Counters: *sums[id]})
	}
	return out
}

// IntervalReports adds up the service total rows by interval of the given
// length in loc, in time order. Intervals without rows are absent.
func IntervalReports(rows []Row, size Interval, loc *time.Location) []IntervalReport {
	sums := map[time.Time]*Counters{}
	for _, r := range rows {
		if r.AgentID != AllAgents {
			continue
		}
		start := size.Start(r.Interval, loc).UTC()
		c, ok := sums[start]
		if !ok {
			c = &Counters{}
			sums[start] = c
		}
		c.Add(r.Counters)
	}
	out := make([]IntervalReport, 0, len(sums))
	for start, c := range sums {
		s := start.In(loc)
		out = append(out, IntervalReport{Start: s, End: size.End(s, loc), Counters: *c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// FilterRows returns the rows of the given services (all if none given).
func FilterRows(rows []Row, serviceIDs ...string) []Row {
	if len(serviceIDs) == 0 {
		return rows
	}
	want := map[string]bool{}
	for _, id := range serviceIDs {
		want[id] = true
	}
	var out []Row
	for _, r := range rows {
		if want[r.ServiceID] {
			out = append(out, r)
		}
	}
	return out
}

func sumInto(sums map[string]*Counters, id string, c Counters) {
	s, ok := sums[id]
	if !ok {
		s = &Counters{}
		sums[id] = s
	}
	s.Add(c)
}

func sortedKeys(m map[string]*Counters) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
