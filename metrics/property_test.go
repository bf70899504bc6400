package metrics_test

import (
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
)

// TestMetricGeneratedDay: on generated days of traffic, the aggregator fed
// one fact at a time (in time order across chats, as they happen) reaches
// the raw computation's rows, and the figures keep their invariants.
func TestMetricGeneratedDay(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		facts := metricstest.Day(seed, 1500).Facts()
		for i := range facts {
			if err := facts[i].Validate(); err != nil {
				t.Fatalf("generated fact %d (%v): %v", i, facts[i], err)
			}
		}
		cfg := metrics.DefaultConfig()
		raw := metrics.RowsFromFacts(facts, cfg)
		ordered := append([]parley.Fact(nil), facts...)
		metrics.SortTimeline(ordered)
		if got := incremental(ordered, cfg); !sameRows(got, raw) {
			t.Fatalf("seed %d: incremental rows differ from raw", seed)
		}
		for _, r := range metrics.ServiceReports(raw) {
			checkInvariants(t, r.ServiceID, r.Counters)
		}
	}
}

// checkInvariants: no queue segment has two outcomes, and every part is
// within its whole.
func checkInvariants(t *testing.T, what string, c metrics.Counters) {
	t.Helper()
	switch {
	case c.Answered+c.Abandoned+c.ShortAbandoned > c.Offered:
		t.Errorf("%s: more outcomes than offered: %+v", what, c)
	case c.AnsweredInSL > c.Answered, c.OverLimit > c.Handled, c.FirstResponses > c.Handled+c.Answered:
		t.Errorf("%s: a part exceeds its whole: %+v", what, c)
	case c.SurveyPositive > c.SurveyAnswers, c.Offered == 0, c.Answered == 0, c.SurveyAnswers == 0, c.Transfers == 0:
		t.Errorf("%s: implausible generated day: %+v", what, c)
	}
	if sl, ok := c.ServiceLevel(); !ok || sl < 0 || sl > 100 {
		t.Errorf("%s: service level %v %v", what, sl, ok)
	}
}
