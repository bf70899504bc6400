package sqlstore

import (
	"context"

	"github.com/parleycc/parley"
)

// EnsureTenant creates the tenant if it does not exist. It fills in
// t.CreatedAt from the stored row either way.
func (s *Store) EnsureTenant(ctx context.Context, t *parley.Tenant) error {
	if t.ID == "" {
		return parley.Errorf(parley.EINVALID, "tenant id required")
	}
	created := normTime(t.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, `INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, t.ID, t.Name, dbTime(created)); err != nil {
			return err
		}
		return r.queryRow(ctx, "SELECT created_at FROM tenants WHERE id = ?", t.ID).Scan(scanTime(&t.CreatedAt))
	})
	return wrap("ensure tenant", err)
}

// Tenant returns the tenant with its settings.
func (s *Store) Tenant(ctx context.Context, id string) (*parley.Tenant, error) {
	t := &parley.Tenant{}
	var reasons string
	err := s.r().queryRow(ctx, "SELECT id, name, created_at, not_ready_reasons FROM tenants WHERE id = ?", id).
		Scan(&t.ID, &t.Name, scanTime(&t.CreatedAt), &reasons)
	if err != nil {
		return nil, wrap("tenant", notFound(err, "tenant", id))
	}
	t.NotReadyReasons = decodeList(reasons)
	return t, nil
}

// SetNotReadyReasons replaces the tenant's Not Ready reasons.
func (s *Store) SetNotReadyReasons(ctx context.Context, tenantID string, reasons []string) error {
	ok, err := s.r().execOne(ctx, "UPDATE tenants SET not_ready_reasons = ? WHERE id = ?", encodeList(reasons), tenantID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "tenant %s not found", tenantID)
	}
	return wrap("set not ready reasons", err)
}

// Tenants lists every tenant, oldest first.
func (s *Store) Tenants(ctx context.Context) ([]*parley.Tenant, error) {
	rows, err := s.r().query(ctx, "SELECT id, name, created_at, not_ready_reasons FROM tenants ORDER BY created_at, id")
	if err != nil {
		return nil, wrap("tenants", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.Tenant, error) {
		t := &parley.Tenant{}
		var reasons string
		if err := sc.Scan(&t.ID, &t.Name, scanTime(&t.CreatedAt), &reasons); err != nil {
			return nil, err
		}
		t.NotReadyReasons = decodeList(reasons)
		return t, nil
	})
	return out, wrap("tenants", err)
}
