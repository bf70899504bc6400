package conversation

import (
	"context"
	"slices"
	"strings"

	"github.com/parleycc/parley"
)

// Entries in Admin: which account's chats run which scenario, for which
// service, within which hours. An account is in at most one entry.

// EntryInput is what an admin sets on an entry; names, not ids, except
// the account.
type EntryInput struct {
	Name      string `json:"name"`
	AccountID string `json:"account_id"`
	Scenario  string `json:"scenario"`
	Service   string `json:"service"`
	Schedule  string `json:"schedule"` // empty: always open
}

// AdminEntryView is an entry as Admin shows it.
type AdminEntryView struct {
	ID string `json:"id"`
	EntryInput
	AccountName string `json:"account_name"`
	AccountType string `json:"account_type"`
}

// EntryCatalog is the entries and what an entry may name.
type EntryCatalog struct {
	Entries   []AdminEntryView `json:"entries"`
	Accounts  []EntryAccount   `json:"accounts"`
	Scenarios []string         `json:"scenarios"`
	Services  []string         `json:"services"`
	Schedules []string         `json:"schedules"`
}

// EntryAccount is an account an entry may start from.
type EntryAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// AdminEntries lists the tenant's entries and what they may name.
func (s *Service) AdminEntries(ctx context.Context, admin *parley.User) (*EntryCatalog, error) {
	if err := adminOnly(admin, "manage entries"); err != nil {
		return nil, err
	}
	entries, err := s.Store.Entries(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	accounts, err := s.Store.Accounts(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	names, services, err := s.serviceNames(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	versions, err := s.Store.ScenarioVersions(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	schedules, err := s.Store.Schedules(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	out := &EntryCatalog{Entries: []AdminEntryView{}, Accounts: []EntryAccount{}, Scenarios: []string{}, Services: []string{}, Schedules: []string{}}
	for _, sc := range schedules {
		out.Schedules = append(out.Schedules, sc.Name)
	}
	byID := map[string]*parley.Account{}
	for _, a := range accounts {
		byID[a.ID] = a
		out.Accounts = append(out.Accounts, EntryAccount{ID: a.ID, Name: a.Name, Type: a.Type})
	}
	for _, e := range entries {
		v := AdminEntryView{ID: e.ID, EntryInput: EntryInput{Name: e.Name, AccountID: e.AccountID, Scenario: e.ScenarioName,
			Service: names[e.ServiceID], Schedule: e.ScheduleName}}
		if a := byID[e.AccountID]; a != nil {
			v.AccountName, v.AccountType = a.Name, a.Type
		}
		out.Entries = append(out.Entries, v)
	}
	for _, sv := range services {
		out.Services = append(out.Services, sv.Name)
	}
	for _, v := range versions {
		if !slices.Contains(out.Scenarios, v.Name) {
			out.Scenarios = append(out.Scenarios, v.Name)
		}
	}
	slices.Sort(out.Services)
	slices.Sort(out.Scenarios)
	return out, nil
}

// SaveEntry creates the entry in.Name or changes it. ECONFLICT when the
// account is in another entry.
func (s *Service) SaveEntry(ctx context.Context, admin *parley.User, in EntryInput) (*AdminEntryView, error) {
	if err := adminOnly(admin, "manage entries"); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 60 {
		return nil, parley.Errorf(parley.EINVALID, "name: 1 to 60 characters")
	}
	acct, err := s.Store.Account(ctx, in.AccountID)
	if err != nil || acct.TenantID != admin.TenantID {
		return nil, parley.Errorf(parley.EINVALID, "account: choose one of this tenant's accounts")
	}
	if _, err := s.Store.LatestScenario(ctx, admin.TenantID, in.Scenario); parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EINVALID, "scenario: no scenario named %q is published", in.Scenario)
	} else if err != nil {
		return nil, err
	}
	e := &parley.ScenarioEntry{TenantID: admin.TenantID, Name: in.Name, AccountID: acct.ID, ScenarioName: in.Scenario, ScheduleName: strings.TrimSpace(in.Schedule)}
	if in.Service != "" {
		_, services, err := s.serviceNames(ctx, admin.TenantID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(services, func(sv *parley.Service) bool { return sv.Name == in.Service })
		if i < 0 {
			return nil, parley.Errorf(parley.EINVALID, "service: no service named %q", in.Service)
		}
		e.ServiceID = services[i].ID
	}
	if e.ScheduleName != "" {
		if _, err := s.Store.Schedule(ctx, admin.TenantID, e.ScheduleName); parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.Errorf(parley.EINVALID, "schedule: no schedule named %q (see Admin → Schedules)", e.ScheduleName)
		} else if err != nil {
			return nil, err
		}
	}
	if err := s.Store.UpsertEntry(ctx, e); err != nil {
		return nil, err
	}
	return &AdminEntryView{ID: e.ID, EntryInput: EntryInput{Name: e.Name, AccountID: acct.ID, Scenario: e.ScenarioName, Service: in.Service,
		Schedule: e.ScheduleName}, AccountName: acct.Name, AccountType: acct.Type}, nil
}

// DeleteEntry removes an entry of the admin's tenant: its account's new
// chats then find no scenario until another entry names it.
func (s *Service) DeleteEntry(ctx context.Context, admin *parley.User, id string) error {
	if err := adminOnly(admin, "manage entries"); err != nil {
		return err
	}
	entries, err := s.Store.Entries(ctx, admin.TenantID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(entries, func(e *parley.ScenarioEntry) bool { return e.ID == id }) {
		return parley.Errorf(parley.ENOTFOUND, "entry %s not found", id)
	}
	return s.Store.DeleteEntry(ctx, id)
}
