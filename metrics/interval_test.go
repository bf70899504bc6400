package metrics_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/metrics"
)

// TestIntervalDST: a local day holds 92, 96 or 100 quarter-hour buckets
// and 23, 24 or 25 hours, in zones with whole- and half-hour offsets.
func TestIntervalDST(t *testing.T) {
	cases := []struct {
		zone         string
		day          string
		hours, quart int
	}{
		{"Europe/Paris", "2026-03-29", 23, 92},
		{"Europe/Paris", "2026-10-25", 25, 100},
		{"Europe/Paris", "2026-06-01", 24, 96},
		{"America/New_York", "2026-03-08", 23, 92},
		{"America/New_York", "2026-11-01", 25, 100},
		{"Asia/Kolkata", "2026-03-29", 24, 96},
		{"Australia/Lord_Howe", "2026-04-05", 0, 98}, // clocks go back 30 minutes
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.day, func(t *testing.T) {
			loc, err := time.LoadLocation(c.zone)
			if err != nil {
				t.Skipf("no zone data: %v", err)
			}
			start, _ := time.ParseInLocation("2006-01-02", c.day, loc)
			end := metrics.Day.End(start, loc)
			var rows []metrics.Row
			for b := start; b.Before(end); b = b.Add(metrics.Bucket) {
				rows = append(rows, metrics.Row{Key: metrics.Key{ServiceID: "s", Interval: metrics.BucketOf(b)}, Counters: metrics.Counters{Offered: 1}})
			}
			if len(rows) != c.quart {
				t.Errorf("%d quarter hours, want %d", len(rows), c.quart)
			}
			days := metrics.IntervalReports(rows, metrics.Day, loc)
			if len(days) != 1 || days[0].Offered != int64(c.quart) || !days[0].Start.Equal(start) {
				t.Errorf("days: %+v", days)
			}
			if c.hours == 0 {
				return // half-hour DST: hour intervals around the change are not whole hours (docs/METRICS.md)
			}
			hours := metrics.IntervalReports(rows, metrics.Hour, loc)
			if len(hours) != c.hours {
				t.Errorf("%d hours, want %d", len(hours), c.hours)
			}
			for _, h := range hours {
				if h.Start.Minute() != 0 || h.End.Sub(h.Start) != time.Hour {
					t.Errorf("hour %v – %v", h.Start, h.End)
				}
			}
		})
	}
}
