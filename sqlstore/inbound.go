package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycc/parley"
)

// AddInbound stores events in one transaction, skipping any whose
// (AccountID, DedupKey) is already stored, and returns how many were new.
// It sets ID (and ReceivedAt, now unless set) of the new ones; skipped
// ones keep ID 0. An empty DedupKey never collides.
func (s *Store) AddInbound(ctx context.Context, events []*parley.InboundEvent) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	at := now()
	ids := make([]int64, len(events))
	n := 0
	err := s.inTx(ctx, func(r runner) error {
		n = 0
		for i, e := range events {
			ids[i] = 0
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
			err := r.queryRow(ctx, `INSERT INTO inbound_events
				(tenant_id, account_id, channel, dedup_key, kind, payload, received_at, processed_at, error)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (account_id, dedup_key) DO NOTHING RETURNING id`,
				e.TenantID, e.AccountID, e.Channel, dedup, e.Kind, payload, dbTime(received),
				dbTime(e.ProcessedAt), e.Error).Scan(&ids[i])
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrap("add inbound", err)
	}
	for i, e := range events {
		if ids[i] != 0 {
			e.ID = ids[i]
			if e.ReceivedAt.IsZero() {
				e.ReceivedAt = at
			}
			e.ReceivedAt = normTime(e.ReceivedAt)
		}
	}
	return n, nil
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
