package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// validate checks every declaration and the references between them.
func (f *File) validate() error {
	names := func(section string, n int, name func(int) string) (map[string]bool, error) {
		seen := map[string]bool{}
		for i := range n {
			key := name(i)
			field := "name"
			if section == "users" {
				field = "username"
			}
			switch {
			case key == "":
				return nil, f.errorf(f.line(section, i, ""), "%s[%d].%s: required", section, i, field)
			case seen[key]:
				return nil, f.errorf(f.line(section, i, field), "%s[%d].%s: duplicate %q", section, i, field, key)
			}
			seen[key] = true
		}
		return seen, nil
	}
	accounts, err := names("accounts", len(f.Accounts), func(i int) string { return f.Accounts[i].Name })
	if err != nil {
		return err
	}
	services, err := names("services", len(f.Services), func(i int) string { return f.Services[i].Name })
	if err != nil {
		return err
	}
	if err := f.validateRouting(); err != nil {
		return err
	}
	if err := f.validateQuality(services); err != nil {
		return err
	}
	if err := f.validateThresholds(); err != nil {
		return err
	}
	if err := f.validateReasons(); err != nil {
		return err
	}
	if _, err := names("users", len(f.Users), func(i int) string { return f.Users[i].Username }); err != nil {
		return err
	}
	if _, err := names("entries", len(f.Entries), func(i int) string { return f.Entries[i].Name }); err != nil {
		return err
	}
	scenarios, err := names("scenarios", len(f.Scenarios), func(i int) string { return f.Scenarios[i].Name })
	if err != nil {
		return err
	}
	if err := f.validateAccounts(); err != nil {
		return err
	}
	if err := f.validateChatAccounts(accounts); err != nil {
		return err
	}
	schedules, err := f.validateSchedules()
	if err != nil {
		return err
	}
	for i, s := range f.Services {
		if s.MaxQueueLength < 0 {
			return f.errorf(f.line("services", i, "max_queue_length"), "services[%d].max_queue_length: must not be negative", i)
		}
		if s.MaxChatsPerAgent < 0 {
			return f.errorf(f.line("services", i, "max_chats_per_agent"), "services[%d].max_chats_per_agent: must not be negative", i)
		}
		if s.Schedule != "" && !schedules[s.Schedule] {
			return f.errorf(f.line("services", i, "schedule"), "services[%d].schedule: unknown schedule %q", i, s.Schedule)
		}
		if n := len([]rune(s.AfterHoursMessage)); n > parley.MaxAfterHoursMessage {
			return f.errorf(f.line("services", i, "after_hours_message"), "services[%d].after_hours_message: %d characters, at most %d", i, n, parley.MaxAfterHoursMessage)
		}
		if err := f.validateTicketFields(i); err != nil {
			return err
		}
	}
	teams, err := f.validateTeams()
	if err != nil {
		return err
	}
	for i, u := range f.Users {
		if err := f.validateUser(i, u, services); err != nil {
			return err
		}
		if u.Team != "" && !teams[u.Team] {
			return f.errorf(f.line("users", i, "team"), "users[%d].team: unknown team %q", i, u.Team)
		}
	}
	pages := map[string]string{}
	for i, e := range f.Entries {
		switch {
		case !accounts[e.Account]:
			return f.errorf(f.line("entries", i, "account"), "entries[%d].account: unknown account %q", i, e.Account)
		case pages[e.Account] != "":
			return f.errorf(f.line("entries", i, "account"), "entries[%d].account: account %q is already attached to entry %q", i, e.Account, pages[e.Account])
		case !scenarios[e.Scenario]:
			return f.errorf(f.line("entries", i, "scenario"), "entries[%d].scenario: unknown scenario %q", i, e.Scenario)
		case e.Service != "" && !services[e.Service]:
			return f.errorf(f.line("entries", i, "service"), "entries[%d].service: unknown service %q", i, e.Service)
		case e.Schedule != "" && !schedules[e.Schedule]:
			return f.errorf(f.line("entries", i, "schedule"), "entries[%d].schedule: unknown schedule %q", i, e.Schedule)
		}
		pages[e.Account] = e.Name
	}
	if err := f.validateDesk(); err != nil { // desk.go
		return err
	}
	if err := f.validateWebhooks(); err != nil { // webhooks.go
		return err
	}
	var errs []error
	for i := range f.Scenarios {
		errs = append(errs, f.validateScenario(i, services))
	}
	return errors.Join(errs...)
}

// validateAccounts checks what every account needs; what each type
// needs is its channel's to say (CheckChannels).
func (f *File) validateAccounts() error {
	pageIDs := map[[2]string]int{}
	for i, a := range f.Accounts {
		if a.Type == "" {
			return f.errorf(f.line("accounts", i, ""), "accounts[%d] (%s): type: required", i, a.Name)
		}
		if a.PageID == "" {
			continue
		}
		key := [2]string{a.Type, a.PageID}
		if j, dup := pageIDs[key]; dup {
			return f.errorf(f.line("accounts", i, "page_id"), "accounts[%d].page_id: page %s is already used by account %q", i, a.PageID, f.Accounts[j].Name)
		}
		pageIDs[key] = i
	}
	return nil
}

func (f *File) validateUser(i int, u User, services map[string]bool) error {
	switch u.Role {
	case "":
		f.Users[i].Role = parley.RoleAgent
	case parley.RoleAgent, parley.RoleSupervisor, parley.RoleAdmin:
	default:
		return f.errorf(f.line("users", i, "role"), "users[%d].role: must be agent, supervisor or admin, not %q", i, u.Role)
	}
	if u.Password == "" && u.PasswordHash == "" {
		return f.errorf(f.line("users", i, ""), "users[%d] (%s): password or password_hash: required", i, u.Username)
	}
	if u.Capacity != nil && *u.Capacity < 0 {
		return f.errorf(f.line("users", i, "capacity"), "users[%d].capacity: must not be negative", i)
	}
	for _, s := range u.Services {
		if !services[s] {
			return f.errorf(f.line("users", i, "services"), "users[%d].services: unknown service %q", i, s)
		}
	}
	return nil
}

// validateScenario reports every problem of scenarios[i], each at its
// file and line with the block's name (joined errors of type *Error).
func (f *File) validateScenario(i int, services map[string]bool) error {
	def := f.Scenarios[i].Definition()
	var errs []error
	_, verrs := scenario.Compile(def)
	for _, e := range verrs {
		line := f.line("scenarios", i, "")
		if e.Block >= 0 {
			line = f.blockLine(i, e.Block, e.Field)
		}
		errs = append(errs, &Error{Path: f.path, Line: line, Block: e.BlockID, Msg: fmt.Sprintf("scenarios[%d] (%s): %s", i, def.Name, e.Error())})
	}
	for j, b := range f.Scenarios[i].Blocks {
		if s, ok := b.Params["service"].(string); ok && services != nil && (b.Type == "find_agent" || b.Type == "send_to_service") && !strings.Contains(s, "$(") && !services[s] {
			errs = append(errs, &Error{Path: f.path, Line: f.blockLine(i, j, "service"), Block: b.ID,
				Msg: fmt.Sprintf("scenarios[%d] (%s): block %q: service: unknown service %q", i, def.Name, b.ID, s)})
		}
	}
	// Problems in the order they are written.
	slices.SortStableFunc(errs, func(a, b error) int { return a.(*Error).Line - b.(*Error).Line })
	return errors.Join(errs...)
}

// Definition converts the declared scenario to the engine's form.
func (s Scenario) Definition() scenario.Definition {
	d := scenario.Definition{Name: s.Name, Escalation: s.Escalation}
	for _, b := range s.Blocks {
		spec := scenario.Spec{ID: b.ID, Type: b.Type, Params: b.Params}
		if b.Next != "" || len(b.Exits) > 0 {
			spec.Exits = map[string]string{}
			for k, v := range b.Exits {
				spec.Exits[k] = v
			}
			if b.Next != "" {
				spec.Exits[scenario.DefaultExit] = b.Next
			}
		}
		d.Blocks = append(d.Blocks, spec)
	}
	return d
}
