package config

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
)

// Schedule declares hours of operation:
//
//	schedules:
//	  - name: office
//	    timezone: Europe/Paris
//	    hours:
//	      - {days: mon-fri, from: "09:00", to: "18:00"}
//	    holidays: ["2026-12-25"]
type Schedule struct {
	Name     string     `yaml:"name,omitempty"`
	Timezone string     `yaml:"timezone,omitempty"`
	Hours    []OpenSpan `yaml:"hours,omitempty"`
	Holidays []string   `yaml:"holidays,omitempty"`
}

// OpenSpan is one daily span of opening on some days ("mon-fri", "sat,sun").
type OpenSpan struct {
	Days string `yaml:"days,omitempty"`
	From string `yaml:"from,omitempty"`
	To   string `yaml:"to,omitempty"`
}

// Model converts the declaration to the store's form.
func (s Schedule) Model(tenant string) (*parley.Schedule, error) {
	m := &parley.Schedule{TenantID: tenant, Name: s.Name, Timezone: s.Timezone, Holidays: s.Holidays}
	for i, h := range s.Hours {
		days, err := parley.ParseWeekdays(h.Days)
		if err != nil {
			return nil, fmt.Errorf("hours[%d].days: %w", i, err)
		}
		m.Hours = append(m.Hours, parley.OpenSpan{Days: days, From: h.From, To: h.To})
	}
	return m, m.Validate()
}

// validateSchedules checks the schedules and returns their names.
func (f *File) validateSchedules() (map[string]bool, error) {
	names := map[string]bool{}
	for i, s := range f.Schedules {
		switch {
		case s.Name == "":
			return nil, f.errorf(f.line("schedules", i, ""), "schedules[%d].name: required", i)
		case names[s.Name]:
			return nil, f.errorf(f.line("schedules", i, "name"), "schedules[%d].name: duplicate %q", i, s.Name)
		}
		names[s.Name] = true
		if _, err := s.Model(f.TenantID()); err != nil {
			field := ""
			msg := err.Error()
			if pe, ok := err.(*parley.Error); ok {
				msg = pe.Message
			}
			for _, k := range []string{"timezone", "hours", "holidays"} {
				if strings.Contains(msg, k) {
					field = k
					break
				}
			}
			return nil, f.errorf(f.line("schedules", i, field), "schedules[%d] (%s): %s", i, s.Name, strings.TrimPrefix(msg, fmt.Sprintf("schedule %q: ", s.Name)))
		}
	}
	return names, nil
}

// applySchedules stores the file's schedules.
func (f *File) applySchedules(ctx context.Context, st parley.Store) error {
	for _, s := range f.Schedules {
		m, err := s.Model(f.TenantID())
		if err != nil {
			return fmt.Errorf("config: schedule %q: %w", s.Name, err)
		}
		if err := st.UpsertSchedule(ctx, m); err != nil {
			return fmt.Errorf("config: apply schedule %q: %w", s.Name, err)
		}
	}
	return nil
}

// nestedLine follows a path like "[0].when" or ".name" below n and
// returns the line it leads to, or 0.
func nestedLine(n *yaml.Node, path string) int {
	line := 0
	for path != "" && n != nil {
		switch {
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			idx, err := strconv.Atoi(path[1:max(end, 1)])
			if end < 0 || err != nil || n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n, path = n.Content[idx], path[end+1:]
			line = n.Line
		case path[0] == '.':
			path = path[1:]
			end := strings.IndexAny(path, "[.")
			if end < 0 {
				end = len(path)
			}
			k := mapKey(n, path[:end])
			if k == nil {
				return line
			}
			line, n, path = k.Line, mapValue(n, path[:end]), path[end:]
		default:
			return line
		}
	}
	return line
}
