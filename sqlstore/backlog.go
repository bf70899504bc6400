package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycc/parley/telemetry"
)

// Backlog reads what waits to be done, in all tenants, for /metrics: the
// unprocessed inbound events, the unsent outbound messages and the age of
// the oldest of each, the queued chats and the unanswered offers.
func (s *Store) Backlog(ctx context.Context, now time.Time) (telemetry.Backlog, error) {
	var b telemetry.Backlog
	age := func(t sql.NullInt64) time.Duration {
		if !t.Valid {
			return 0
		}
		return max(now.Sub(time.UnixMicro(t.Int64)), 0)
	}
	var oldestIn, oldestOut sql.NullInt64
	err := s.r().queryRow(ctx, "SELECT COUNT(*), MIN(received_at) FROM inbound_events WHERE processed_at IS NULL").Scan(&b.InboundPending, &oldestIn)
	if err != nil {
		return b, wrap("backlog", err)
	}
	err = s.r().queryRow(ctx, "SELECT COUNT(*), MIN(created_at) FROM messages WHERE status IN "+unsentSQL).Scan(&b.OutboxPending, &oldestOut)
	if err != nil {
		return b, wrap("backlog", err)
	}
	if err := s.r().queryRow(ctx, "SELECT COUNT(*) FROM chats WHERE state = "+queuedSQL).Scan(&b.QueuedChats); err != nil {
		return b, wrap("backlog", err)
	}
	if err := s.r().queryRow(ctx, "SELECT COUNT(*) FROM chat_offers").Scan(&b.OfferedChats); err != nil {
		return b, wrap("backlog", err)
	}
	b.OldestInbound, b.OutboxOldest = age(oldestIn), age(oldestOut)
	return b, nil
}
