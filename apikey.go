package parley

import "time"

// APIKey lets an integration call the REST API without a browser session:
// `Authorization: Bearer <token>`. The token is shown once, when the key is
// made; only its SHA-256 is stored. A key acts with its role in its tenant.
type APIKey struct {
	ID         string // public part of the token
	TenantID   string
	Name       string // unique per tenant
	Role       string // RoleAdmin, RoleSupervisor or RoleAgent
	Hint       string // the token's last characters, to tell keys apart
	CreatedBy  string // username of the admin who made it
	CreatedAt  time.Time
	LastUsedAt time.Time // updated at most once a minute
	RevokedAt  time.Time // zero while the key works
}

// APIKeyUserPrefix starts the ID of the user a key acts as, so that audit
// records and logs tell a key's actions from a person's.
const APIKeyUserPrefix = "apikey:"
