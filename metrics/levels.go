package metrics

import "time"

// Levels are the lengths at which aggregates are kept, longest first:
// UTC days, hours and quarter hours. Every 15-minute figure is also added
// to its hour and its day, so a long range reads days and only its ends
// read shorter intervals.
var Levels = []time.Duration{24 * time.Hour, time.Hour, Bucket}

// Span is a part of a range read at one level: intervals of length Len
// starting in [From, To).
type Span struct {
	Len      time.Duration
	From, To time.Time
}

// Cover splits [from, to) into spans of the longest levels that fit:
// quarter hours up to the first whole hour, hours up to the first whole
// day, days, and back down at the end. from and to are rounded down to
// quarter hours. A 90-day range is at most 2 × 3 quarter-hour spans,
// 2 hour spans and 1 day span, so it reads at most (89 + 2 × 23 + 2 × 3)
// rows per service instead of 90 × 96.
func Cover(from, to time.Time) []Span {
	from, to = BucketOf(from), BucketOf(to)
	if !from.Before(to) {
		return nil
	}
	for _, l := range Levels {
		a, b := ceilTo(from, l), to.Truncate(l)
		if a.Before(b) {
			out := Cover(from, a)
			out = append(out, Span{Len: l, From: a, To: b})
			return append(out, Cover(b, to)...)
		}
	}
	return []Span{{Len: Bucket, From: from, To: to}}
}

// ceilTo rounds t up to a multiple of l (UTC).
func ceilTo(t time.Time, l time.Duration) time.Time {
	if f := t.Truncate(l); !f.Equal(t) {
		return f.Add(l)
	}
	return t
}

// LevelFor returns the longest stored level whose intervals fit in the
// report's: every boundary of size's intervals in loc between from and to
// (and from and to themselves) is a boundary of the level. In Paris, days
// are read from hours; in Kolkata (UTC+5:30) hours and days from quarter
// hours; in UTC, days from days.
func LevelFor(size Interval, loc *time.Location, from, to time.Time) time.Duration {
	from, to = BucketOf(from), BucketOf(to)
	for _, l := range Levels {
		if l <= size.length() && fits(l, size, loc, from, to) {
			return l
		}
	}
	return Bucket
}

// length is the nominal length of the interval size.
func (i Interval) length() time.Duration {
	switch i {
	case Hour:
		return time.Hour
	case Day:
		return 24 * time.Hour
	}
	return Bucket
}

func fits(l time.Duration, size Interval, loc *time.Location, from, to time.Time) bool {
	aligned := func(t time.Time) bool { return t.Equal(t.Truncate(l)) }
	if !aligned(from) || !aligned(to) {
		return false
	}
	for s := size.Start(from, loc); s.Before(to); s = size.End(s, loc) {
		if s.After(from) && !aligned(s) {
			return false
		}
	}
	return true
}
