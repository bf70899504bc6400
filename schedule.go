package parley

import (
	"fmt"
	"strings"
	"time"
)

// Schedule is a set of hours of operation in a timezone, with holidays on
// which it is closed all day. Scenario entries name one; the If block's
// within_schedule and after_hours read it.
type Schedule struct {
	TenantID string     `json:"-"`
	Name     string     `json:"name"`
	Timezone string     `json:"timezone"`           // IANA name, e.g. "Europe/Paris"; empty is UTC
	Hours    []OpenSpan `json:"hours"`              // open spans; closed outside them
	Holidays []string   `json:"holidays,omitempty"` // closed days, "YYYY-MM-DD" in the timezone
}

// OpenSpan is one daily span of opening on some weekdays.
type OpenSpan struct {
	Days []time.Weekday `json:"days"`
	From string         `json:"from"` // "09:00"
	To   string         `json:"to"`   // "17:30"; "24:00" is the end of the day
}

// Location returns the schedule's timezone.
func (s *Schedule) Location() (*time.Location, error) {
	if s.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return nil, Errorf(EINVALID, "schedule %q: unknown timezone %q", s.Name, s.Timezone)
	}
	return loc, nil
}

// Validate reports the first invalid field.
func (s *Schedule) Validate() error {
	if s.Name == "" {
		return Errorf(EINVALID, "schedule name required")
	}
	if _, err := s.Location(); err != nil {
		return err
	}
	for i, h := range s.Hours {
		from, err1 := clockMinutes(h.From)
		to, err2 := clockMinutes(h.To)
		switch {
		case err1 != nil:
			return Errorf(EINVALID, "schedule %q: hours[%d].from: %v", s.Name, i, err1)
		case err2 != nil:
			return Errorf(EINVALID, "schedule %q: hours[%d].to: %v", s.Name, i, err2)
		case to <= from:
			return Errorf(EINVALID, "schedule %q: hours[%d]: %s is not after %s", s.Name, i, h.To, h.From)
		case len(h.Days) == 0:
			return Errorf(EINVALID, "schedule %q: hours[%d].days: required", s.Name, i)
		}
	}
	for i, d := range s.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return Errorf(EINVALID, "schedule %q: holidays[%d]: %q is not a date like 2026-12-25", s.Name, i, d)
		}
	}
	return nil
}

// Open reports whether t falls within the schedule, and t in its timezone.
func (s *Schedule) Open(t time.Time) (bool, time.Time, error) {
	loc, err := s.Location()
	if err != nil {
		return false, t, err
	}
	local := t.In(loc)
	day := local.Format(time.DateOnly)
	for _, h := range s.Holidays {
		if h == day {
			return false, local, nil
		}
	}
	now := local.Hour()*60 + local.Minute()
	for _, h := range s.Hours {
		from, _ := clockMinutes(h.From)
		to, _ := clockMinutes(h.To)
		for _, d := range h.Days {
			if d == local.Weekday() && now >= from && now < to {
				return true, local, nil
			}
		}
	}
	return false, local, nil
}

func clockMinutes(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || len(s) != 5 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time like 09:00", s)
	}
	return h*60 + m, nil
}

// ParseWeekdays reads "mon-fri", "sat,sun", "mon" into weekdays.
func ParseWeekdays(spec string) ([]time.Weekday, error) {
	names := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
		"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	var out []time.Weekday
	for part := range strings.SplitSeq(strings.ToLower(spec), ",") {
		part = strings.TrimSpace(part)
		a, b, isRange := strings.Cut(part, "-")
		from, ok1 := names[strings.TrimSpace(a)]
		to, ok2 := from, true
		if isRange {
			to, ok2 = names[strings.TrimSpace(b)]
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%q is not a day or range of days like mon-fri", part)
		}
		for d := from; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == to {
				break
			}
		}
	}
	return out, nil
}
