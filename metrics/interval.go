package metrics

import (
	"fmt"
	"time"
)

// Interval is the length of a report's intervals.
type Interval string

// Report interval lengths. Hours and days are local to the report's time
// zone: a day is local midnight to midnight (23 or 25 hours on a DST
// change), and the hour repeated when clocks go back is two intervals.
const (
	Quarter Interval = "15m"
	Hour    Interval = "hour"
	Day     Interval = "day"
)

// ParseInterval accepts "15m", "hour" or "day".
func ParseInterval(s string) (Interval, error) {
	switch i := Interval(s); i {
	case Quarter, Hour, Day:
		return i, nil
	}
	return "", fmt.Errorf("metrics: interval %q: want 15m, hour or day", s)
}

// Start returns the start of the interval holding t, in loc.
func (i Interval) Start(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	switch i {
	case Hour:
		// Subtracting the local minutes keeps the two occurrences of a
		// repeated hour apart (time.Date would pick one).
		return t.Truncate(time.Minute).Add(-time.Duration(t.Minute()) * time.Minute)
	case Day:
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	return BucketOf(t).In(loc)
}

// End returns the end of the interval that starts at start.
func (i Interval) End(start time.Time, loc *time.Location) time.Time {
	switch i {
	case Hour:
		return start.Add(time.Hour)
	case Day:
		y, m, d := start.In(loc).Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	return start.Add(Bucket)
}
