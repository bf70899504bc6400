package config

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
)

// DefaultCapacity is the number of chats an agent handles at once when the
// file does not say.
const DefaultCapacity = 3

// Apply writes the declarations into the store. Applying the same file twice
// changes nothing; applying an edited file updates what changed. Things the
// file does not mention are left alone.
func (f *File) Apply(ctx context.Context, st parley.Store) error {
	tenant := f.TenantID()
	if err := st.EnsureTenant(ctx, &parley.Tenant{ID: tenant, Name: tenant}); err != nil {
		return fmt.Errorf("config: apply tenant: %w", err)
	}
	if len(f.NotReadyReasons) > 0 {
		if err := st.SetNotReadyReasons(ctx, tenant, f.NotReadyReasons); err != nil {
			return fmt.Errorf("config: apply not_ready_reasons: %w", err)
		}
	}
	if f.TimeZone != "" {
		if err := st.SetTenantTimeZone(ctx, tenant, f.TimeZone); err != nil {
			return fmt.Errorf("config: apply time_zone: %w", err)
		}
	}
	accountIDs, err := f.applyAccounts(ctx, st)
	if err != nil {
		return err
	}
	serviceIDs := map[string]string{}
	for _, s := range f.Services {
		svc := &parley.Service{TenantID: tenant, Name: s.Name, MaxChatsPerAgent: s.MaxChatsPerAgent, MaxQueueLength: s.MaxQueueLength,
			Disabled: s.Enabled != nil && !*s.Enabled, ScheduleName: s.Schedule, AfterHoursMessage: s.AfterHoursMessage,
			TicketFields: ticketFieldDomain(s.TicketFields)}
		if err := st.UpsertService(ctx, svc); err != nil {
			return fmt.Errorf("config: apply service %q: %w", s.Name, err)
		}
		if err := applyServiceRouting(ctx, st, svc.ID, s); err != nil {
			return err
		}
		if err := applyThresholds(ctx, st, svc.ID, s); err != nil {
			return err
		}
		serviceIDs[s.Name] = svc.ID
	}
	if err := f.applyChatAccounts(ctx, st, serviceIDs, accountIDs); err != nil {
		return err
	}
	if err := f.applyQuality(ctx, st, serviceIDs); err != nil {
		return err
	}
	teamIDs, err := f.applyTeams(ctx, st) // teams.go
	if err != nil {
		return err
	}
	for _, u := range f.Users {
		if err := applyUser(ctx, st, tenant, u, serviceIDs, teamIDs, f.passwordCost()); err != nil {
			return err
		}
	}
	if err := f.applyDesk(ctx, st, serviceIDs); err != nil { // desk.go
		return err
	}
	for _, s := range f.Scenarios {
		def, err := json.Marshal(s.Definition())
		if err != nil {
			return fmt.Errorf("config: encode scenario %q: %w", s.Name, err)
		}
		if err := st.PublishScenario(ctx, &parley.ScenarioVersion{TenantID: tenant, Name: s.Name, Definition: def}); err != nil {
			return fmt.Errorf("config: apply scenario %q: %w", s.Name, err)
		}
	}
	if err := f.applySchedules(ctx, st); err != nil {
		return err
	}
	for _, e := range f.Entries {
		entry := &parley.ScenarioEntry{TenantID: tenant, Name: e.Name, AccountID: accountIDs[e.Account], ScenarioName: e.Scenario, ServiceID: serviceIDs[e.Service], ScheduleName: e.Schedule}
		if err := st.UpsertEntry(ctx, entry); err != nil {
			return fmt.Errorf("config: apply entry %q: %w", e.Name, err)
		}
	}
	return f.applyWebhooks(ctx, st) // webhooks.go
}

// applyAccounts upserts the declared accounts. An account whose token is
// unchanged keeps the state a token check gave it: re-applying the file
// must not turn a red account green.
func (f *File) applyAccounts(ctx context.Context, st parley.Store) (map[string]string, error) {
	stored, err := st.Accounts(ctx, f.TenantID())
	if err != nil {
		return nil, fmt.Errorf("config: read accounts: %w", err)
	}
	byName := map[string]*parley.Account{}
	for _, a := range stored {
		byName[a.Name] = a
	}
	ids := map[string]string{}
	for _, a := range f.Accounts {
		acct := f.account(a)
		acct.EnsurePageID()
		acct.Active = true
		if old := byName[a.Name]; old != nil && old.AccessToken == acct.AccessToken {
			acct.Active, acct.StatusReason = old.Active, old.StatusReason
		}
		if err := st.UpsertAccount(ctx, acct); err != nil {
			return nil, fmt.Errorf("config: apply account %q: %w", a.Name, err)
		}
		ids[a.Name] = acct.ID
	}
	return ids, nil
}

// passwordCost is the bcrypt cost of hashed passwords.
func (f *File) passwordCost() int {
	if f.PasswordCost == 0 {
		return bcrypt.DefaultCost
	}
	return f.PasswordCost
}

// TenantID is the tenant the file declares, or the default one.
func (f *File) TenantID() string {
	if f.Tenant == "" {
		return parley.DefaultTenant
	}
	return f.Tenant
}

func applyUser(ctx context.Context, st parley.Store, tenant string, u User, serviceIDs, teamIDs map[string]string, cost int) error {
	usr := &parley.User{TenantID: tenant, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Capacity: DefaultCapacity,
		TeamID: teamIDs[u.Team]}
	if usr.DisplayName == "" {
		usr.DisplayName = u.Username
	}
	if u.Capacity != nil {
		usr.Capacity = *u.Capacity
	}
	for _, s := range u.Services {
		usr.ServiceIDs = append(usr.ServiceIDs, serviceIDs[s])
	}
	hash := u.PasswordHash
	if u.Password != "" {
		// Re-hashing on every apply would churn the row; keep a stored hash
		// that still matches the declared password.
		if old, err := st.UserByUsername(ctx, tenant, u.Username); err == nil && bcrypt.CompareHashAndPassword([]byte(old.PasswordHash), []byte(u.Password)) == nil {
			hash = old.PasswordHash
		} else {
			h, err := bcrypt.GenerateFromPassword([]byte(u.Password), cost)
			if err != nil {
				return fmt.Errorf("config: hash password of %q: %w", u.Username, err)
			}
			hash = string(h)
		}
	}
	usr.PasswordHash = hash
	if err := st.UpsertUser(ctx, usr); err != nil {
		return fmt.Errorf("config: apply user %q: %w", u.Username, err)
	}
	return applySkills(ctx, st, usr.ID, u)
}
