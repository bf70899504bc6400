package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"

	"github.com/parleycc/parley"
)

// PublishScenario stores v.Definition as a new version of the tenant's
// scenario v.Name unless it is byte for byte the latest one. It sets
// v.Version and v.CreatedAt to the stored version's either way.
func (s *Store) PublishScenario(ctx context.Context, v *parley.ScenarioVersion) error {
	if v.Name == "" {
		return parley.Errorf(parley.EINVALID, "scenario name required")
	}
	at := normTime(v.CreatedAt)
	if at.IsZero() {
		at = s.now()
	}
	err := s.inTx(ctx, func(r runner) error {
		// Serialize publishers of one scenario so versions never collide.
		if err := s.d.xactLock(ctx, r, "scenario:"+v.TenantID+"/"+v.Name); err != nil {
			return err
		}
		latest, err := scanScenario(r.queryRow(ctx, `SELECT tenant_id, name, version, definition, created_at
			FROM scenario_versions WHERE tenant_id = ? AND name = ? ORDER BY version DESC LIMIT 1`, v.TenantID, v.Name))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			latest = &parley.ScenarioVersion{}
		case err != nil:
			return err
		case bytes.Equal(latest.Definition, v.Definition):
			v.Version, v.CreatedAt = latest.Version, latest.CreatedAt
			return nil
		}
		def := v.Definition
		if def == nil {
			def = []byte{}
		}
		if _, err := r.exec(ctx, `INSERT INTO scenario_versions (tenant_id, name, version, definition, created_at)
			VALUES (?, ?, ?, ?, ?)`, v.TenantID, v.Name, latest.Version+1, def, dbTime(at)); err != nil {
			return err
		}
		v.Version, v.CreatedAt = latest.Version+1, at
		return nil
	})
	return wrap("publish scenario", err)
}

// LatestScenario returns the newest version of the tenant's scenario.
func (s *Store) LatestScenario(ctx context.Context, tenantID, name string) (*parley.ScenarioVersion, error) {
	v, err := scanScenario(s.r().queryRow(ctx, `SELECT tenant_id, name, version, definition, created_at
		FROM scenario_versions WHERE tenant_id = ? AND name = ? ORDER BY version DESC LIMIT 1`, tenantID, name))
	if err != nil {
		return nil, wrap("latest scenario", notFound(err, "scenario", name))
	}
	return v, nil
}

// ScenarioAt returns one version of the tenant's scenario.
func (s *Store) ScenarioAt(ctx context.Context, tenantID, name string, version int) (*parley.ScenarioVersion, error) {
	v, err := scanScenario(s.r().queryRow(ctx, `SELECT tenant_id, name, version, definition, created_at
		FROM scenario_versions WHERE tenant_id = ? AND name = ? AND version = ?`, tenantID, name, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.ENOTFOUND, "scenario %s version %d not found", name, version)
	}
	if err != nil {
		return nil, wrap("scenario at", err)
	}
	return v, nil
}

func scanScenario(sc interface{ Scan(...any) error }) (*parley.ScenarioVersion, error) {
	var v parley.ScenarioVersion
	if err := sc.Scan(&v.TenantID, &v.Name, &v.Version, &v.Definition, scanTime(&v.CreatedAt)); err != nil {
		return nil, err
	}
	return &v, nil
}
