package parley

import (
	"encoding/json"
	"time"
)

// AuditEntry records one change someone made: configuration (accounts,
// scenarios, webhooks, API keys, articles, a reloaded file) or a
// supervisor's action on the floor (a priority override, a monitored
// chat). Before and After are the object as the API showed it, without
// secrets; either is empty when the object did not exist.
type AuditEntry struct {
	ID         int64
	TenantID   string
	ActorID    string // a user id, or APIKeyUserPrefix + key id
	ActorName  string
	Action     string // "<object>.<verb>", e.g. "webhook.update"
	ObjectType string
	ObjectID   string
	ObjectName string
	Before     json.RawMessage
	After      json.RawMessage
	At         time.Time
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	TenantID   string
	Actor      string // username or key name, exact
	ObjectType string
	Text       string // in the action, object name or actor
	From, To   time.Time
	Before     int64 // page cursor: entries with a smaller id
	Limit      int
}
