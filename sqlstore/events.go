package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
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

// AppendEvents appends es in order in one transaction, taking each
// tenant's event lock once.
func (s *Store) AppendEvents(ctx context.Context, es []*parley.Event) error {
	if len(es) == 0 {
		return nil
	}
	created := make([]time.Time, len(es))
	now := s.now()
	for i, e := range es {
		if created[i] = normTime(e.CreatedAt); created[i].IsZero() {
			created[i] = now
		}
	}
	byTenant := map[string][]int{}
	var tenants []string
	for i, e := range es {
		if byTenant[e.TenantID] == nil {
			tenants = append(tenants, e.TenantID)
		}
		byTenant[e.TenantID] = append(byTenant[e.TenantID], i)
	}
	slices.Sort(tenants) // locks in one order
	ids := make([]int64, len(es))
	err := s.inTx(ctx, func(r runner) error {
		for _, t := range tenants {
			if err := s.d.xactLock(ctx, r, "events:"+t); err != nil {
				return err
			}
			if err := insertEvents(ctx, r, es, byTenant[t], created, ids); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return wrap("append events", err)
	}
	for i, e := range es {
		e.ID, e.CreatedAt = ids[i], created[i]
	}
	return nil
}

// appendEvent inserts e in the transaction r, holding the tenant's event
// lock until commit. Take it last in a transaction: it serializes the
// tenant's appenders.
func (s *Store) appendEvent(ctx context.Context, r runner, e *parley.Event, created time.Time) (int64, error) {
	if err := s.d.xactLock(ctx, r, "events:"+e.TenantID); err != nil {
		return 0, err
	}
	return insertEvent(ctx, r, e, created)
}

var newEvents = bulkInsert{table: "events", cols: []string{"tenant_id", "type", "chat_id", "agent_id", "data", "created_at", "hook"},
	types: []string{"text", "text", "text", "text", "text", "bigint", "text"}, tail: "RETURNING id"}

// insertEvents inserts the events es[idx] with one statement in the
// transaction r, which holds their tenant's event lock, and records their
// ids in ids.
func insertEvents(ctx context.Context, r runner, es []*parley.Event, idx []int, created []time.Time, ids []int64) error {
	rows := make([][]any, len(idx))
	for j, i := range idx {
		e := es[i]
		rows[j] = []any{e.TenantID, e.Type, e.ChatID, e.AgentID, string(e.Data), dbTime(created[i]), e.Hook}
	}
	got, err := newEvents.ids(ctx, r, rows)
	if err != nil {
		return err
	}
	for j, i := range idx {
		ids[i] = got[j]
	}
	return nil
}

// insertEvent inserts e in the transaction r, which holds the tenant's
// event lock.
func insertEvent(ctx context.Context, r runner, e *parley.Event, created time.Time) (int64, error) {
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
