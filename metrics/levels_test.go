package metrics_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/metrics"
)

// TestIntervalCover: spans tile the range exactly, each aligned to its
// level, and a 90-day range needs few spans.
func TestIntervalCover(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		from, to time.Time
		spans    int
	}{
		{base, base.AddDate(0, 0, 90), 1},
		{base.Add(23 * time.Hour), base.AddDate(0, 0, 90).Add(23 * time.Hour), 3}, // Paris days
		{base.Add(18*time.Hour + 30*time.Minute), base.AddDate(0, 0, 90).Add(18*time.Hour + 30*time.Minute), 5},
		{base.Add(10*time.Hour + 15*time.Minute), base.Add(10*time.Hour + 45*time.Minute), 1},
		{base.Add(10*time.Hour + 45*time.Minute), base.Add(12*time.Hour + 15*time.Minute), 3},
		{base, base, 0},
	}
	for _, c := range cases {
		spans := metrics.Cover(c.from, c.to)
		if len(spans) != c.spans {
			t.Errorf("%v – %v: %d spans %v, want %d", c.from, c.to, len(spans), spans, c.spans)
		}
		at := c.from
		for _, s := range spans {
			if !s.From.Equal(at) || !s.From.Before(s.To) || !s.From.Equal(s.From.Truncate(s.Len)) || !s.To.Equal(s.To.Truncate(s.Len)) {
				t.Errorf("%v – %v: bad span %+v", c.from, c.to, s)
			}
			at = s.To
		}
		if len(spans) > 0 && !at.Equal(c.to) {
			t.Errorf("%v – %v: spans end at %v", c.from, c.to, at)
		}
	}
}

// TestIntervalLevelFor: the longest stored level that fits the report's
// intervals in its time zone.
func TestIntervalLevelFor(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip(err)
		}
		return loc
	}
	paris, kolkata := load("Europe/Paris"), load("Asia/Kolkata")
	day := func(loc *time.Location) (time.Time, time.Time) {
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 0, 60)
	}
	cases := []struct {
		size metrics.Interval
		loc  *time.Location
		want time.Duration
	}{
		{metrics.Day, time.UTC, 24 * time.Hour},
		{metrics.Day, paris, time.Hour}, // across the DST change too
		{metrics.Hour, paris, time.Hour},
		{metrics.Day, kolkata, metrics.Bucket},
		{metrics.Hour, kolkata, metrics.Bucket},
		{metrics.Quarter, time.UTC, metrics.Bucket},
	}
	for _, c := range cases {
		from, to := day(c.loc)
		if got := metrics.LevelFor(c.size, c.loc, from, to); got != c.want {
			t.Errorf("%s in %v: %v, want %v", c.size, c.loc, got, c.want)
		}
	}
}
