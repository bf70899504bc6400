package metrics

import (
	"sort"
	"time"
)

// Bucket is the length of the aggregate interval.
const Bucket = 15 * time.Minute

// AllAgents is the agent id of a service's total row: the row that holds
// every figure of the service, whoever the agent.
const AllAgents = ""

// Key identifies an aggregate row: a tenant's service, an agent (AllAgents
// for the service's total) and the start of a 15-minute interval (UTC).
type Key struct {
	TenantID  string
	ServiceID string
	AgentID   string
	Interval  time.Time
}

// Row is one aggregate row: a key and its counters (or counter deltas).
type Row struct {
	Key
	Counters
}

// BucketOf returns the start of the 15-minute interval holding t, in UTC.
// Every time zone's offset is a multiple of 15 minutes, so the buckets
// are also local quarter-hours.
func BucketOf(t time.Time) time.Time {
	return t.UTC().Truncate(Bucket)
}

// rowSet accumulates counters by key.
type rowSet map[Key]*Counters

// add adds c to the service's total row and, when agentID is set, to the
// agent's row, in the interval of anchor.
func (s rowSet) add(tenant, service, agent string, anchor time.Time, c Counters) {
	k := Key{TenantID: tenant, ServiceID: service, AgentID: AllAgents, Interval: BucketOf(anchor)}
	s.at(k).Add(c)
	if agent != "" {
		k.AgentID = agent
		s.at(k).Add(c)
	}
}

func (s rowSet) at(k Key) *Counters {
	c, ok := s[k]
	if !ok {
		c = &Counters{}
		s[k] = c
	}
	return c
}

// rows returns the non-zero rows in key order.
func (s rowSet) rows() []Row {
	out := make([]Row, 0, len(s))
	for k, c := range s {
		if !c.IsZero() {
			out = append(out, Row{Key: k, Counters: *c})
		}
	}
	SortRows(out)
	return out
}

// SortRows orders rows by tenant, interval, service and agent.
func SortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key.less(rows[j].Key) })
}

func (k Key) less(o Key) bool {
	switch {
	case k.TenantID != o.TenantID:
		return k.TenantID < o.TenantID
	case !k.Interval.Equal(o.Interval):
		return k.Interval.Before(o.Interval)
	case k.ServiceID != o.ServiceID:
		return k.ServiceID < o.ServiceID
	}
	return k.AgentID < o.AgentID
}
