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
		created = now()
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
