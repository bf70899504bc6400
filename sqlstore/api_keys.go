package sqlstore

import (
	"context"

	"time"

	"github.com/parleycc/parley"
)

// API keys (package auth keeps the rules; this file only stores them).

const apiKeyCols = "id, tenant_id, name, role, hint, created_by, created_at, last_used_at, revoked_at"

func scanAPIKey(sc interface{ Scan(...any) error }, hash *string) (*parley.APIKey, error) {
	var k parley.APIKey
	dest := []any{&k.ID, &k.TenantID, &k.Name, &k.Role, &k.Hint, &k.CreatedBy, scanTime(&k.CreatedAt), scanTime(&k.LastUsedAt), scanTime(&k.RevokedAt)}
	if hash != nil {
		dest = append(dest, hash)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	return &k, nil
}

// CreateAPIKey stores a key with the hash of its secret; ECONFLICT if the
// tenant has a key of that name.
func (s *Store) CreateAPIKey(ctx context.Context, k *parley.APIKey, secretHash string) error {
	k.CreatedAt = normTime(k.CreatedAt)
	if k.CreatedAt.IsZero() {
		k.CreatedAt = s.now()
	}
	_, err := s.r().exec(ctx, `INSERT INTO api_keys (id, tenant_id, name, role, secret_hash, hint, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.TenantID, k.Name, k.Role, secretHash, k.Hint, k.CreatedBy, dbTime(k.CreatedAt))
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "an API key named %q exists already", k.Name)
	}
	return wrap("create api key", err)
}

// APIKey returns a key and the hash of its secret.
func (s *Store) APIKey(ctx context.Context, id string) (*parley.APIKey, string, error) {
	var hash string
	k, err := scanAPIKey(s.r().queryRow(ctx, "SELECT "+apiKeyCols+", secret_hash FROM api_keys WHERE id = ?", id), &hash)
	if err != nil {
		return nil, "", wrap("api key", notFound(err, "API key", id))
	}
	return k, hash, nil
}

// APIKeys lists the tenant's keys, revoked ones too, newest first.
func (s *Store) APIKeys(ctx context.Context, tenantID string) ([]*parley.APIKey, error) {
	rows, err := s.r().query(ctx, "SELECT "+apiKeyCols+" FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, id", tenantID)
	if err != nil {
		return nil, wrap("api keys", err)
	}
	ks, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.APIKey, error) { return scanAPIKey(sc, nil) })
	return ks, wrap("api keys", err)
}

// RevokeAPIKey stops a key of the tenant from working; revoking twice is
// harmless.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := s.r().exec(ctx, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND tenant_id = ?", dbTime(normTime(at)), id, tenantID)
	if err != nil {
		return wrap("revoke api key", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "API key %s not found", id)
	}
	return nil
}

// TouchAPIKey records that a key was used at.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := s.r().exec(ctx, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", dbTime(normTime(at)), id)
	return wrap("touch api key", err)
}
