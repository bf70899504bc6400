// Package audit keeps the audit trail: every configuration change and
// every supervisor action, with who, when, and the object before and
// after, searchable in Admin → Audit.
package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleycc/parley"
)

// Store is where the trail is kept (met by sqlstore).
type Store interface {
	AddAudit(ctx context.Context, e *parley.AuditEntry) error
	Audit(ctx context.Context, f parley.AuditFilter) ([]*parley.AuditEntry, error)
}

// Log records and searches the trail.
type Log struct{ store Store }

// New returns the audit log.
func New(store Store) *Log { return &Log{store: store} }

// Change describes one change: the object's type, id and name, and its
// state before and after as the API shows it (nil where it did not exist).
// Secrets must already be left out.
type Change struct {
	Action     string // "<object>.<verb>"
	ObjectType string
	ObjectID   string
	ObjectName string
	Before     any
	After      any
}

// Record appends what actor changed.
func (l *Log) Record(ctx context.Context, actor *parley.User, c Change) error {
	e := &parley.AuditEntry{TenantID: actor.TenantID, ActorID: actor.ID, ActorName: actor.Username, Action: c.Action,
		ObjectType: c.ObjectType, ObjectID: c.ObjectID, ObjectName: c.ObjectName}
	var err error
	if e.Before, err = encode(c.Before); err != nil {
		return err
	}
	if e.After, err = encode(c.After); err != nil {
		return err
	}
	if err := l.store.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", c.Action, err)
	}
	return nil
}

// Search returns the tenant's entries that match f, newest first.
func (l *Log) Search(ctx context.Context, f parley.AuditFilter) ([]*parley.AuditEntry, error) {
	return l.store.Audit(ctx, f)
}

func encode(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	return b, nil
}
