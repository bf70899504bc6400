package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
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

// AppendChatEvent is AppendEvent with the copies for the chat's
// conference guests (appendChatEvent).
func (s *Store) AppendChatEvent(ctx context.Context, e *parley.Event) error {
	created := normTime(e.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	err := s.inTx(ctx, func(r runner) error { return s.appendChatEvent(ctx, r, e, created) })
	if err != nil {
		e.ID, e.Copies = 0, nil // set by a try that did not commit
	}
	return wrap("append event", err)
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

// appendChatEvent is appendEvent with the copies for the chat's
// conference guests (insertEventForGuests); it sets e's id, time and
// copies.
func (s *Store) appendChatEvent(ctx context.Context, r runner, e *parley.Event, created time.Time) error {
	if err := s.d.xactLock(ctx, r, "events:"+e.TenantID); err != nil {
		return err
	}
	return insertEventForGuests(ctx, r, e, created)
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

// insertEventForGuests inserts e and, when it is one (Event.ForGuests),
// a copy for each of its chat's conference guests but e's own agent, with
// one statement in the transaction r, which holds the tenant's event
// lock (appendChatEvent). It sets e's id and time, and its copies (Event.Copies). Announcing
// a message used to read the guests after the commit, a read for every
// message of every chat (almost all have none), and then append each
// copy in a transaction of its own.
func insertEventForGuests(ctx context.Context, r runner, e *parley.Event, created time.Time) error {
	from := "(SELECT CAST(? AS TEXT) AS agent_id, 0 AS guest) a"
	args := []any{e.TenantID, e.Type, e.ChatID, string(e.Data), dbTime(created), e.Hook, e.AgentID}
	if e.ForGuests() {
		from = `(SELECT CAST(? AS TEXT) AS agent_id, 0 AS guest UNION ALL
			SELECT p.agent_id, 1 FROM chat_participants p WHERE p.chat_id = ? AND p.agent_id <> ?) a`
		args = append(args, e.ChatID, e.AgentID)
	}
	rows, err := r.query(ctx, `INSERT INTO events (tenant_id, type, chat_id, agent_id, data, created_at, hook)
		SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), a.agent_id, CAST(? AS TEXT), CAST(? AS BIGINT),
			CASE WHEN a.guest = 0 THEN CAST(? AS TEXT) ELSE '' END
		FROM `+from+` ORDER BY a.guest, a.agent_id RETURNING id, agent_id`, args...)
	if err != nil {
		return err
	}
	type stored struct {
		id    int64
		agent string
	}
	got, err := collect(rows, func(sc interface{ Scan(...any) error }) (stored, error) {
		var st stored
		return st, sc.Scan(&st.id, &st.agent)
	})
	if err != nil {
		return err
	}
	// RETURNING promises no order. The rows were inserted in the
	// statement's: the event first (the row of its own agent, whom the
	// copies leave out), then the copies in the guests' order.
	slices.SortFunc(got, func(a, b stored) int { return cmp.Compare(a.id, b.id) })
	if len(got) == 0 || got[0].agent != e.AgentID {
		return fmt.Errorf("insert event %s: the database returned no row for it", e.Type)
	}
	e.ID, e.CreatedAt, e.Copies = got[0].id, created, nil
	for _, st := range got[1:] {
		e.Copies = append(e.Copies, &parley.Event{ID: st.id, TenantID: e.TenantID, Type: e.Type, ChatID: e.ChatID,
			AgentID: st.agent, Data: e.Data, CreatedAt: created})
	}
	return nil
}
