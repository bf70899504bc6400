package sqlstore

import (
	"context"

	"github.com/parleycc/parley"
)

// Teams: a user belongs to at most one (users.team_id, 0027).

const teamCols = "id, tenant_id, name, description"

func scanTeam(sc interface{ Scan(...any) error }) (*parley.Team, error) {
	var t parley.Team
	if err := sc.Scan(&t.ID, &t.TenantID, &t.Name, &t.Description); err != nil {
		return nil, err
	}
	return &t, nil
}

// UpsertTeam creates or updates the team with t.TenantID and t.Name and
// sets t.ID.
func (s *Store) UpsertTeam(ctx context.Context, t *parley.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return wrap("upsert team", err)
	}
	err = s.r().queryRow(ctx, `INSERT INTO teams (`+teamCols+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, name) DO UPDATE SET description = excluded.description
		RETURNING id`, id, t.TenantID, t.Name, t.Description).Scan(&t.ID)
	return wrap("upsert team", err)
}

// UpdateTeam renames the team t.ID and sets its description.
func (s *Store) UpdateTeam(ctx context.Context, t *parley.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	ok, err := s.r().execOne(ctx, "UPDATE teams SET name = ?, description = ? WHERE id = ? AND tenant_id = ?",
		t.Name, t.Description, t.ID, t.TenantID)
	switch {
	case isUniqueViolation(err):
		err = parley.Errorf(parley.ECONFLICT, "team %q exists", t.Name)
	case err == nil && !ok:
		err = parley.Errorf(parley.ENOTFOUND, "team %s not found", t.ID)
	}
	return wrap("update team", err)
}

// Team returns the team with the id.
func (s *Store) Team(ctx context.Context, id string) (*parley.Team, error) {
	t, err := scanTeam(s.r().queryRow(ctx, "SELECT "+teamCols+" FROM teams WHERE id = ?", id))
	return t, wrap("team", notFound(err, "team", id))
}

// Teams lists the tenant's teams ordered by name.
func (s *Store) Teams(ctx context.Context, tenantID string) ([]*parley.Team, error) {
	rows, err := s.r().query(ctx, "SELECT "+teamCols+" FROM teams WHERE tenant_id = ? ORDER BY name, id", tenantID)
	if err != nil {
		return nil, wrap("teams", err)
	}
	ts, err := collect(rows, scanTeam)
	return ts, wrap("teams", err)
}

// DeleteTeam deletes the team; its members are left without one (the
// foreign key's ON DELETE SET NULL).
func (s *Store) DeleteTeam(ctx context.Context, id string) error {
	return wrap("delete team", s.deleteByID(ctx, "teams", "team", id))
}

// nullIfEmpty is NULL for an empty string, for optional references.
func nullIfEmpty(v string) any {
	if v == "" {
		return nil
	}
	return v
}
