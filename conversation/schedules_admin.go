package conversation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Schedules in Admin: hours of operation that entries and services name.

// DefaultSchedule is what a new schedule starts from in Admin: Monday to
// Friday, 09:00 to 18:00.
func DefaultSchedule() parley.Schedule {
	return parley.Schedule{Timezone: "UTC", Hours: []parley.OpenSpan{{
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: "09:00", To: "18:00"}}}
}

// AdminScheduleView is a schedule with who names it and whether it is
// open now.
type AdminScheduleView struct {
	parley.Schedule
	OpenNow  bool     `json:"open_now"`
	Entries  []string `json:"entries"`  // entry names
	Services []string `json:"services"` // service names
}

// ScheduleCatalog is the tenant's schedules and what a new one starts from.
type ScheduleCatalog struct {
	Schedules []AdminScheduleView `json:"schedules"`
	Default   parley.Schedule     `json:"default"`
}

// AdminSchedules lists the tenant's schedules.
func (s *Service) AdminSchedules(ctx context.Context, admin *parley.User) (*ScheduleCatalog, error) {
	if err := adminOnly(admin, "manage schedules"); err != nil {
		return nil, err
	}
	schs, err := s.Store.Schedules(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	users, err := s.scheduleUsers(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	out := &ScheduleCatalog{Schedules: make([]AdminScheduleView, 0, len(schs)), Default: DefaultSchedule()}
	for _, sch := range schs {
		out.Schedules = append(out.Schedules, s.scheduleView(sch, users))
	}
	return out, nil
}

// SaveSchedule creates or replaces the tenant's schedule in.Name.
func (s *Service) SaveSchedule(ctx context.Context, admin *parley.User, in parley.Schedule) (*AdminScheduleView, error) {
	if err := adminOnly(admin, "manage schedules"); err != nil {
		return nil, err
	}
	in.TenantID, in.Name, in.Timezone = admin.TenantID, strings.TrimSpace(in.Name), strings.TrimSpace(in.Timezone)
	if in.Name == "" || len(in.Name) > 60 {
		return nil, parley.Errorf(parley.EINVALID, "name: 1 to 60 characters")
	}
	slices.Sort(in.Holidays)
	in.Holidays = slices.Compact(in.Holidays)
	if err := s.Store.UpsertSchedule(ctx, &in); err != nil { // validates
		return nil, err
	}
	users, err := s.scheduleUsers(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	v := s.scheduleView(&in, users)
	return &v, nil
}

// DeleteSchedule removes a schedule nothing names; one that an entry or
// a service names is refused (ECONFLICT), naming them.
func (s *Service) DeleteSchedule(ctx context.Context, admin *parley.User, name string) error {
	if err := adminOnly(admin, "manage schedules"); err != nil {
		return err
	}
	users, err := s.scheduleUsers(ctx, admin.TenantID)
	if err != nil {
		return err
	}
	if u := users[name]; len(u.entries)+len(u.services) > 0 {
		var by []string
		for _, e := range u.entries {
			by = append(by, "entry "+strconv.Quote(e))
		}
		for _, sv := range u.services {
			by = append(by, "service "+strconv.Quote(sv))
		}
		return parley.Errorf(parley.ECONFLICT, "schedule %q is in use by %s; give them other hours first", name, strings.Join(by, ", "))
	}
	return s.Store.DeleteSchedule(ctx, admin.TenantID, name)
}

func (s *Service) scheduleView(sch *parley.Schedule, users map[string]scheduleUse) AdminScheduleView {
	v := AdminScheduleView{Schedule: *sch, Entries: []string{}, Services: []string{}}
	v.OpenNow, _, _ = sch.Open(s.Clock.Now())
	u := users[sch.Name]
	v.Entries, v.Services = append(v.Entries, u.entries...), append(v.Services, u.services...)
	return v
}

// scheduleUse is what names a schedule.
type scheduleUse struct{ entries, services []string }

// scheduleUsers maps each schedule name to the entries and services that
// name it.
func (s *Service) scheduleUsers(ctx context.Context, tenantID string) (map[string]scheduleUse, error) {
	out := map[string]scheduleUse{}
	entries, err := s.Store.Entries(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.ScheduleName != "" {
			u := out[e.ScheduleName]
			u.entries = append(u.entries, e.Name)
			out[e.ScheduleName] = u
		}
	}
	svcs, err := s.Store.Services(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, sv := range svcs {
		if sv.ScheduleName != "" {
			u := out[sv.ScheduleName]
			u.services = append(u.services, sv.Name)
			out[sv.ScheduleName] = u
		}
	}
	return out, nil
}
