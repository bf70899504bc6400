package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parleycc/parley"
)

// AppendEvent adds e to the tenant's log and sets e.ID and e.CreatedAt
// (now unless set). Ids of one tenant become visible in increasing order:
// on PostgreSQL appenders of a tenant hold an advisory lock from before
// the id is drawn until commit, so a reader of EventsAfter never passes
// over an id that commits later. SQLite serializes writers anyway.
func (s *Store) AppendEvent(ctx context.Context, e *parley.Event) error {
	created := normTime(e.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(r runner) error {
		var err error
		id, err = s.appendEvent(ctx, r, e, created)
		return err
	})
	if err != nil {
		return wrap("append event", err)
	}
	e.ID, e.CreatedAt = id, created
	return nil
}

// appendEvent inserts e in the transaction r, holding the tenant's event
// lock until commit. Take it last in a transaction: it serializes the
// tenant's appenders.
func (s *Store) appendEvent(ctx context.Context, r runner, e *parley.Event, created time.Time) (int64, error) {
	if err := s.d.xactLock(ctx, r, "events:"+e.TenantID); err != nil {
		return 0, err
	}
	var id int64
	err := r.queryRow(ctx, `INSERT INTO events (tenant_id, type, chat_id, agent_id, data, created_at, hook)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.TenantID, e.Type, e.ChatID, e.AgentID, string(e.Data), dbTime(created), e.Hook).Scan(&id)
	return id, err
}

// EventsAfter returns up to limit events of the tenant with ID > after,
// in id order.
func (s *Store) EventsAfter(ctx context.Context, tenantID string, after int64, limit int) ([]*parley.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r().query(ctx, `SELECT id, tenant_id, type, chat_id, agent_id, data, created_at, hook
		FROM events WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`, tenantID, after, limit)
	if err != nil {
		return nil, wrap("events after", err)
	}
	es, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.Event, error) {
		var e parley.Event
		var data string
		if err := sc.Scan(&e.ID, &e.TenantID, &e.Type, &e.ChatID, &e.AgentID, &data, scanTime(&e.CreatedAt), &e.Hook); err != nil {
			return nil, err
		}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		return &e, nil
	})
	return es, wrap("events after", err)
}

// LastEventID returns the newest event id of the tenant (0 if none).
func (s *Store) LastEventID(ctx context.Context, tenantID string) (int64, error) {
	var id int64
	err := s.r().queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM events WHERE tenant_id = ?", tenantID).Scan(&id)
	return id, wrap("last event id", err)
}
