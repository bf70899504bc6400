package metrics

import (
	"time"

	"github.com/parleycc/parley"
)

// ServiceReportsFromFacts computes the service reports from raw facts
// instead of aggregate rows; both must agree.
func ServiceReportsFromFacts(facts []parley.Fact, cfg Config) []ServiceReport {
	return ServiceReports(RowsFromFacts(facts, cfg))
}

// AgentReportsFromFacts computes the agent reports from raw facts.
func AgentReportsFromFacts(facts []parley.Fact, cfg Config) []AgentReport {
	return AgentReports(RowsFromFacts(facts, cfg))
}

// IntervalReportsFromFacts computes the interval reports from raw facts.
func IntervalReportsFromFacts(facts []parley.Fact, cfg Config, size Interval, loc *time.Location) []IntervalReport {
	return IntervalReports(RowsFromFacts(facts, cfg), size, loc)
}
