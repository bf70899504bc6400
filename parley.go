// Package parley holds the domain of the Parley contact center: tenants,
// integration accounts, services, agents, customers, chats and messages,
// plus the small interfaces the outer packages implement (storage, event bus).
//
// It imports nothing but the standard library. Rules that decide what happens
// to a chat live in the conversation, scenario and routing packages; storage
// lives in sqlstore; HTTP lives in web; each messaging platform has its own
// package under channel/.
package parley

import "time"

// DefaultTenant is the tenant every single-tenant install uses.
const DefaultTenant = "default"

// Tenant is one contact center. All data is scoped by tenant.
type Tenant struct {
	ID        string
	Name      string
	CreatedAt time.Time
	// NotReadyReasons are the reasons agents pick when Not Ready; empty:
	// the built-in defaults. Kept in the database so every node offers
	// and accepts the same ones.
	NotReadyReasons []string
}

// Clock lets components that schedule work be tested without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
