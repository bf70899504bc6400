package sqlstore

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/parleycc/parley"
)

// AddAudit appends an entry to the audit trail and sets its ID and At.
func (s *Store) AddAudit(ctx context.Context, e *parley.AuditEntry) error {
	e.At = normTime(e.At)
	if e.At.IsZero() {
		e.At = s.now()
	}
	err := s.r().queryRow(ctx, `INSERT INTO audit_log (tenant_id, actor_id, actor_name, action, object_type, object_id, object_name,
			before_json, after_json, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.TenantID, e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.ObjectName, string(e.Before), string(e.After), dbTime(e.At)).Scan(&e.ID)
	return wrap("add audit entry", err)
}

// Audit returns the tenant's entries that match f, newest first.
func (s *Store) Audit(ctx context.Context, f parley.AuditFilter) ([]*parley.AuditEntry, error) {
	q := `SELECT id, tenant_id, actor_id, actor_name, action, object_type, object_id, object_name, before_json, after_json, at
		FROM audit_log WHERE tenant_id = ?`
	args := []any{f.TenantID}
	if f.Actor != "" {
		q += " AND actor_name = ?"
		args = append(args, f.Actor)
	}
	if f.ObjectType != "" {
		q += " AND object_type = ?"
		args = append(args, f.ObjectType)
	}
	if t := strings.ToLower(strings.TrimSpace(f.Text)); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
		q += ` AND (lower(action) LIKE ? ESCAPE '\' OR lower(object_name) LIKE ? ESCAPE '\' OR lower(actor_name) LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	if !f.From.IsZero() {
		q += " AND at >= ?"
		args = append(args, dbTime(normTime(f.From)))
	}
	if !f.To.IsZero() {
		q += " AND at < ?"
		args = append(args, dbTime(normTime(f.To)))
	}
	if f.Before > 0 {
		q += " AND id < ?"
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.r().query(ctx, q, args...)
	if err != nil {
		return nil, wrap("audit", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.AuditEntry, error) {
		var e parley.AuditEntry
		var before, after string
		if err := sc.Scan(&e.ID, &e.TenantID, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.ObjectName,
			&before, &after, scanTime(&e.At)); err != nil {
			return nil, err
		}
		if before != "" {
			e.Before = json.RawMessage(before)
		}
		if after != "" {
			e.After = json.RawMessage(after)
		}
		return &e, nil
	})
	return out, wrap("audit", err)
}
