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
// ones keep ID 0. An empty DedupKey never collides. Rows go in with
// multi-row INSERTs, so a group-committed batch costs a few statements.
func (s *Store) AddInbound(ctx context.Context, events []*parley.InboundEvent) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	at := now()
	ids := make([]int64, len(events))
	err := s.inTx(ctx, func(r runner) error {
		clear(ids)
		for lo := 0; lo < len(events); lo += inboundChunk {
			if err := s.insertInbound(ctx, r, events[lo:min(lo+inboundChunk, len(events))], ids[lo:], at); err != nil {
				return err
			}
		}
		return nil
	})
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

// inboundChunk bounds the rows of one INSERT (9 parameters each).
const inboundChunk = 200

// insertInbound inserts one chunk and records the new rows' ids in ids,
// matched back by (account, dedup key).
func (s *Store) insertInbound(ctx context.Context, r runner, events []*parley.InboundEvent, ids []int64, at time.Time) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO inbound_events
		(tenant_id, account_id, channel, dedup_key, kind, payload, received_at, processed_at, error) VALUES `)
	args := make([]any, 0, len(events)*9)
	for i, e := range events {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
		var dedup any
		if e.DedupKey != "" {
			dedup = e.DedupKey
		}
		received := normTime(e.ReceivedAt)
		if received.IsZero() {
			received = at
		}
		payload := e.Payload
		if payload == nil {
			payload = []byte{}
		}
		args = append(args, e.TenantID, e.AccountID, e.Channel, dedup, e.Kind, payload, dbTime(received), dbTime(e.ProcessedAt), e.Error)
	}
	q.WriteString(" ON CONFLICT (account_id, dedup_key) DO NOTHING RETURNING id, account_id, dedup_key")
	rows, err := r.query(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct{ account, dedup string }
	byKey := map[key][]int64{}
	var undeduped []int64
	for rows.Next() {
		var id int64
		var account string
		var dedup sql.NullString
		if err := rows.Scan(&id, &account, &dedup); err != nil {
			return err
		}
		if dedup.Valid {
			byKey[key{account, dedup.String}] = append(byKey[key{account, dedup.String}], id)
		} else {
			undeduped = append(undeduped, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Ids follow insertion order; within a key only the first was new.
	for i, e := range events {
		if e.DedupKey == "" {
			if len(undeduped) > 0 {
				slices.Sort(undeduped)
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

// PendingInbound returns up to limit unprocessed events, oldest first.
func (s *Store) PendingInbound(ctx context.Context, limit int) ([]*parley.InboundEvent, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r().query(ctx, `SELECT id, tenant_id, account_id, channel, dedup_key, kind, payload,
		received_at, processed_at, error FROM inbound_events WHERE processed_at IS NULL ORDER BY id LIMIT ?`, limit)
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
// with errText if handling failed.
func (s *Store) MarkInboundProcessed(ctx context.Context, id int64, at time.Time, errText string) error {
	if at.IsZero() {
		at = now()
	}
	ok, err := s.r().execOne(ctx, "UPDATE inbound_events SET processed_at = ?, error = ? WHERE id = ?",
		dbTime(at), errText, id)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "inbound event %d not found", id)
	}
	return wrap("mark inbound processed", err)
}
