package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// AddInbound stores events in one transaction, skipping any whose
// (AccountID, DedupKey) is already stored, and returns how many were new.
// It sets ID (and ReceivedAt, now unless set) of the new ones; skipped
// ones keep ID 0. An empty DedupKey never collides.
//
// It is the webhook's group-commit path, so it is built to cost few
// statements and no parsing: on PostgreSQL one prepared INSERT … SELECT
// FROM unnest(arrays) takes the whole batch in a single round trip, as an
// implicit single-statement transaction; on SQLite the batch goes in
// chunks of 256, 128, …, 1 rows, each a multi-row INSERT prepared once
// per size, inside one immediate transaction.
func (s *Store) AddInbound(ctx context.Context, events []*parley.InboundEvent) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	at := s.now()
	ids := make([]int64, len(events))
	var err error
	if s.d.pg() {
		for attempt := 1; attempt <= maxTxAttempts; attempt++ {
			clear(ids)
			err = s.insertInboundPG(ctx, events, ids, at)
			if err == nil || !isRetryable(err) || ctx.Err() != nil {
				break
			}
		}
	} else {
		err = s.inTx(inFront(ctx), func(r runner) error {
			clear(ids)
			for lo := 0; lo < len(events); {
				n := inboundChunk
				for n > len(events)-lo {
					n /= 2
				}
				if err := insertInboundSQLite(ctx, r, events[lo:lo+n], ids[lo:], at); err != nil {
					return err
				}
				lo += n
			}
			return nil
		})
	}
	if err != nil {
		return 0, wrap("add inbound", err)
	}
	n := 0
	for i, e := range events {
		if ids[i] != 0 {
			n++
			e.ID = ids[i]
			if e.ReceivedAt.IsZero() {
				e.ReceivedAt = at
			}
			e.ReceivedAt = normTime(e.ReceivedAt)
		}
	}
	return n, nil
}

// InboundWriters is how many AddInbound calls the webhook's group commit
// should run at once: several on PostgreSQL, which flushes concurrent
// commits together. SQLite serializes writers, but its write batches
// (txbatch.go) already put concurrent ones in one commit: with one at a
// time, a webhook that came while an ingest waited for its batch waited
// for that batch and then for one of its own (at 600 messages a second,
// stored 5.4 ms after arriving at the median; 3.3 ms with four).
func (s *Store) InboundWriters() int {
	if s.d.pg() {
		return 2
	}
	return sqliteInboundWriters
}

const sqliteInboundWriters = 4

// inboundChunk is the largest SQLite INSERT (9 parameters a row); it must
// be a power of two, as smaller chunks halve it.
const inboundChunk = 256

const inboundColumns = `INSERT INTO inbound_events
		(tenant_id, account_id, channel, dedup_key, kind, payload, received_at, processed_at, error) `

const inboundReturning = ` ON CONFLICT (account_id, dedup_key) DO NOTHING RETURNING id, account_id, dedup_key`

// inboundSQLiteQueries holds the multi-row INSERT of each chunk size.
var inboundSQLiteQueries = func() map[int]string {
	m := map[int]string{}
	for n := 1; n <= inboundChunk; n *= 2 {
		var q strings.Builder
		q.WriteString(inboundColumns + "VALUES ")
		for i := range n {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
		}
		q.WriteString(inboundReturning)
		m[n] = q.String()
	}
	return m
}()

// inboundPGQuery inserts a whole batch given as one array per column, in
// array order; an empty dedup key is stored as NULL.
const inboundPGQuery = inboundColumns + `SELECT t, a, c, NULLIF(d, ''), k, p, r, pa, e
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::bigint[], $8::bigint[], $9::text[])
		WITH ORDINALITY AS u(t, a, c, d, k, p, r, pa, e, n)
	ORDER BY n` + inboundReturning

// insertInboundSQLite inserts one chunk (a size of inboundSQLiteQueries)
// in r's transaction, whose statements are prepared once (on the writer).
func insertInboundSQLite(ctx context.Context, r runner, events []*parley.InboundEvent, ids []int64, at time.Time) error {
	args := make([]any, 0, len(events)*9)
	for _, e := range events {
		var dedup any
		if e.DedupKey != "" {
			dedup = e.DedupKey
		}
		args = append(args, e.TenantID, e.AccountID, e.Channel, dedup, e.Kind, inboundPayload(e), dbTime(inboundReceived(e, at)), dbTime(e.ProcessedAt), e.Error)
	}
	rows, err := r.query(ctx, inboundSQLiteQueries[len(events)], args...)
	if err != nil {
		return err
	}
	return matchInboundIDs(rows, events, ids)
}

// insertInboundPG inserts the whole batch with one statement, atomic by
// itself: committed (durably, with synchronous_commit on) before the
// result is complete.
func (s *Store) insertInboundPG(ctx context.Context, events []*parley.InboundEvent, ids []int64, at time.Time) error {
	n := len(events)
	tenants, accounts, channels, dedups, kinds, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	payloads := make([][]byte, n)
	received, processed := make([]int64, n), make([]*int64, n)
	for i, e := range events {
		tenants[i], accounts[i], channels[i], dedups[i], kinds[i], errs[i] = e.TenantID, e.AccountID, string(e.Channel), e.DedupKey, e.Kind, e.Error
		payloads[i] = inboundPayload(e)
		received[i] = inboundReceived(e, at).UnixMicro()
		if !e.ProcessedAt.IsZero() {
			p := normTime(e.ProcessedAt).UnixMicro()
			processed[i] = &p
		}
	}
	st, err := s.cache().always(ctx, s.d.rebind(inboundPGQuery))
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, tenants, accounts, channels, dedups, kinds, payloads, received, processed, errs)
	if err != nil {
		return err
	}
	return matchInboundIDs(rows, events, ids)
}

func inboundPayload(e *parley.InboundEvent) []byte {
	if e.Payload == nil {
		return []byte{}
	}
	return e.Payload
}

func inboundReceived(e *parley.InboundEvent, at time.Time) time.Time {
	if received := normTime(e.ReceivedAt); !received.IsZero() {
		return received
	}
	return at
}

// matchInboundIDs reads the ids RETURNING gave for the new rows and
// records them in ids, matched back to events by (account, dedup key). It
// closes rows and reports any error, including one at the statement's
// end (on PostgreSQL, its commit).
func matchInboundIDs(rows *sql.Rows, events []*parley.InboundEvent, ids []int64) error {
	defer rows.Close()
	type key struct{ account, dedup string }
	var byKey map[key][]int64
	var undeduped []int64
	for rows.Next() {
		var id int64
		var account string
		var dedup sql.NullString
		if err := rows.Scan(&id, &account, &dedup); err != nil {
			return err
		}
		if dedup.Valid {
			if byKey == nil {
				byKey = make(map[key][]int64, len(events))
			}
			byKey[key{account, dedup.String}] = append(byKey[key{account, dedup.String}], id)
		} else {
			undeduped = append(undeduped, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// Ids follow insertion order; within a key only the first was new.
	slices.Sort(undeduped)
	for i, e := range events {
		if e.DedupKey == "" {
			if len(undeduped) > 0 {
				ids[i], undeduped = undeduped[0], undeduped[1:]
			}
			continue
		}
		k := key{e.AccountID, e.DedupKey}
		if l := byKey[k]; len(l) > 0 {
			ids[i], byKey[k] = l[0], l[1:]
		}
	}
	return nil
}

// PendingInbound returns up to limit unprocessed events with ids above
// after, oldest first.
func (s *Store) PendingInbound(ctx context.Context, after int64, limit int) ([]*parley.InboundEvent, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r().query(ctx, `SELECT id, tenant_id, account_id, channel, dedup_key, kind, payload,
		received_at, processed_at, error FROM inbound_events WHERE processed_at IS NULL AND id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, wrap("pending inbound", err)
	}
	es, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.InboundEvent, error) {
		var e parley.InboundEvent
		var dedup sql.NullString
		err := sc.Scan(&e.ID, &e.TenantID, &e.AccountID, &e.Channel, &dedup, &e.Kind, &e.Payload,
			scanTime(&e.ReceivedAt), scanTime(&e.ProcessedAt), &e.Error)
		if err != nil {
			return nil, err
		}
		e.DedupKey = dedup.String
		return &e, nil
	})
	return es, wrap("pending inbound", err)
}

// MarkInboundProcessed records that the event was handled at time at,
// with errText if handling failed, and that the messages handled were
// (markHandled), in one write.
func (s *Store) MarkInboundProcessed(ctx context.Context, id int64, at time.Time, errText string, handled ...string) error {
	if at.IsZero() {
		at = s.now()
	}
	mark := func(r runner) error {
		ok, err := r.execOne(ctx, "UPDATE inbound_events SET processed_at = ?, error = ? WHERE id = ?",
			dbTime(at), errText, id)
		if err == nil && !ok {
			err = parley.Errorf(parley.ENOTFOUND, "inbound event %d not found", id)
		}
		return err
	}
	if len(handled) == 0 {
		return wrap("mark inbound processed", mark(s.r()))
	}
	err := s.inTx(ctx, func(r runner) error {
		if err := markHandled(ctx, r, handled); err != nil {
			return err
		}
		return mark(r)
	})
	return wrap("mark inbound processed", err)
}
