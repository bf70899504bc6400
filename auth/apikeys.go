package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// API keys: `Authorization: Bearer prk_<id>_<secret>`. The id finds the
// key; only the SHA-256 of the secret is stored, compared in constant
// time. The secret has 256 random bits, so a fast hash is enough.

// KeyStore is what API keys read and write.
type KeyStore interface {
	CreateAPIKey(ctx context.Context, k *parley.APIKey, secretHash string) error
	APIKey(ctx context.Context, id string) (*parley.APIKey, string, error)
	APIKeys(ctx context.Context, tenantID string) ([]*parley.APIKey, error)
	RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

const (
	keyPrefix = "prk_"
	// touchEvery bounds how often a key's last use is written.
	touchEvery = time.Minute
)

// Keys manages API keys.
type Keys struct {
	store KeyStore
	clock parley.Clock
}

// NewKeys returns the API key service; a nil clock is the wall clock.
func NewKeys(store KeyStore, clock parley.Clock) *Keys {
	if clock == nil {
		clock = parley.SystemClock{}
	}
	return &Keys{store: store, clock: clock}
}

// Create makes a key for the admin's tenant and returns it with its token,
// which is never shown again.
func (k *Keys) Create(ctx context.Context, admin *parley.User, name, role string) (*parley.APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, "", parley.Errorf(parley.EINVALID, "name: give the key a name (what uses it)")
	}
	if role != parley.RoleAdmin && role != parley.RoleSupervisor && role != parley.RoleAgent {
		return nil, "", parley.Errorf(parley.EINVALID, "role: %q is not admin, supervisor or agent", role)
	}
	id, err := randomText(9)
	if err != nil {
		return nil, "", err
	}
	secret, err := randomText(32)
	if err != nil {
		return nil, "", err
	}
	id = strings.NewReplacer("-", "a", "_", "b").Replace(id) // the token's separators stay unambiguous
	token := keyPrefix + id + "_" + secret
	key := &parley.APIKey{ID: id, TenantID: admin.TenantID, Name: name, Role: role, Hint: token[len(token)-4:],
		CreatedBy: admin.Username, CreatedAt: k.clock.Now()}
	if err := k.store.CreateAPIKey(ctx, key, secretHash(secret)); err != nil {
		return nil, "", err
	}
	return key, token, nil
}

// List returns the tenant's keys.
func (k *Keys) List(ctx context.Context, tenantID string) ([]*parley.APIKey, error) {
	return k.store.APIKeys(ctx, tenantID)
}

// Revoke stops a key of the tenant from working at once.
func (k *Keys) Revoke(ctx context.Context, tenantID, id string) error {
	return k.store.RevokeAPIKey(ctx, tenantID, id, k.clock.Now())
}

// User returns who a bearer token acts as: a user of the key's tenant with
// the key's role, whose ID starts with parley.APIKeyUserPrefix.
// EUNAUTHORIZED for anything that is not a working key.
func (k *Keys) User(ctx context.Context, token string) (*parley.User, error) {
	invalid := parley.Errorf(parley.EUNAUTHORIZED, "invalid or revoked API key")
	rest, ok := strings.CutPrefix(token, keyPrefix)
	if !ok {
		return nil, invalid
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || id == "" || secret == "" {
		return nil, invalid
	}
	key, hash, err := k.store.APIKey(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, invalid
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(secretHash(secret))) != 1 || !key.RevokedAt.IsZero() {
		return nil, invalid
	}
	if now := k.clock.Now(); now.Sub(key.LastUsedAt) >= touchEvery {
		if err := k.store.TouchAPIKey(ctx, key.ID, now); err != nil {
			return nil, fmt.Errorf("api key %s: %w", key.ID, err)
		}
	}
	return &parley.User{ID: parley.APIKeyUserPrefix + key.ID, TenantID: key.TenantID, Username: parley.APIKeyUserPrefix + key.Name,
		DisplayName: key.Name + " (API key)", Role: key.Role, State: parley.StateOffline}, nil
}

func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// randomText returns n random bytes as unpadded base64url.
func randomText(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
