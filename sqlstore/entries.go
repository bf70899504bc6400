package sqlstore

import (
	"context"

	"github.com/parleycc/parley"
)

const entryCols = "id, tenant_id, name, account_id, scenario_name, service_id, schedule_name"

func scanEntry(sc interface{ Scan(...any) error }) (*parley.ScenarioEntry, error) {
	var e parley.ScenarioEntry
	if err := sc.Scan(&e.ID, &e.TenantID, &e.Name, &e.AccountID, &e.ScenarioName, &e.ServiceID, &e.ScheduleName); err != nil {
		return nil, err
	}
	return &e, nil
}

// UpsertEntry creates or updates the scenario entry with e.TenantID and
// e.Name and sets e.ID. ECONFLICT if the account is attached to another
// entry.
func (s *Store) UpsertEntry(ctx context.Context, e *parley.ScenarioEntry) error {
	id, err := newID()
	if err != nil {
		return wrap("upsert entry", err)
	}
	err = s.inTx(ctx, func(r runner) error {
		err := r.queryRow(ctx, `INSERT INTO scenario_entries (`+entryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, name) DO UPDATE SET
				account_id = excluded.account_id, scenario_name = excluded.scenario_name,
				service_id = excluded.service_id, schedule_name = excluded.schedule_name
			RETURNING id`,
			id, e.TenantID, e.Name, e.AccountID, e.ScenarioName, e.ServiceID, e.ScheduleName).Scan(&e.ID)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.ECONFLICT, "entry %q: account %s is attached to another entry", e.Name, e.AccountID)
		}
		return err
	})
	return wrap("upsert entry", err)
}

// EntryByAccount returns the entry the account is attached to.
func (s *Store) EntryByAccount(ctx context.Context, accountID string) (*parley.ScenarioEntry, error) {
	e, err := scanEntry(s.r().queryRow(ctx, "SELECT "+entryCols+" FROM scenario_entries WHERE account_id = ?", accountID))
	if err != nil {
		return nil, wrap("entry by account", notFound(err, "entry for account", accountID))
	}
	return e, nil
}

// Entries lists the tenant's entries ordered by name.
func (s *Store) Entries(ctx context.Context, tenantID string) ([]*parley.ScenarioEntry, error) {
	rows, err := s.r().query(ctx, "SELECT "+entryCols+" FROM scenario_entries WHERE tenant_id = ? ORDER BY name", tenantID)
	if err != nil {
		return nil, wrap("entries", err)
	}
	es, err := collect(rows, scanEntry)
	return es, wrap("entries", err)
}

// DeleteEntry deletes the entry.
func (s *Store) DeleteEntry(ctx context.Context, id string) error {
	return wrap("delete entry", s.deleteByID(ctx, "scenario_entries", "entry", id))
}
