package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"
)

// ClaimChatRun gives owner the chat's run lease until now+lease if nobody
// else holds an unexpired one; it reports whether owner holds it. On
// SQLite, which runs a single node whose chats are serialized in process,
// it always succeeds without writing.
func (s *Store) ClaimChatRun(ctx context.Context, chatID, owner string, lease time.Duration) (bool, error) {
	if !s.d.pg() {
		return true, nil
	}
	at := s.now()
	var got string
	err := s.r().queryRow(ctx, `INSERT INTO chat_runs (chat_id, owner, until) VALUES (?, ?, ?)
		ON CONFLICT (chat_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
		WHERE chat_runs.until < ? OR chat_runs.owner = excluded.owner
		RETURNING owner`, chatID, owner, dbTime(at.Add(lease)), dbTime(at)).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) { // held by another node
		return false, nil
	}
	if err != nil {
		return false, wrap("claim chat run", err)
	}
	return got == owner, nil
}

// ReleaseChatRun ends owner's run lease of the chat.
func (s *Store) ReleaseChatRun(ctx context.Context, chatID, owner string) error {
	if !s.d.pg() {
		return nil
	}
	_, err := s.r().exec(ctx, "DELETE FROM chat_runs WHERE chat_id = ? AND owner = ?", chatID, owner)
	return wrap("release chat run", err)
}

// ClaimChatRuns is ClaimChatRun for several chats in one statement; it
// returns the ids owner holds. On SQLite it returns them all.
func (s *Store) ClaimChatRuns(ctx context.Context, chatIDs []string, owner string, lease time.Duration) ([]string, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(chatIDs))) // one row may be updated once per statement
	if !s.d.pg() || len(ids) == 0 {
		return ids, nil
	}
	at := s.now()
	rows, err := s.r().query(ctx, `INSERT INTO chat_runs (chat_id, owner, until) SELECT id, ?, ? FROM unnest(?::text[]) AS u(id)
		ON CONFLICT (chat_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
		WHERE chat_runs.until < ? OR chat_runs.owner = excluded.owner
		RETURNING chat_id`, owner, dbTime(at.Add(lease)), ids, dbTime(at))
	if err != nil {
		return nil, wrap("claim chat runs", err)
	}
	got, err := collect(rows, scanOne[string])
	return got, wrap("claim chat runs", err)
}

// ReleaseChatRuns ends owner's run leases of the chats.
func (s *Store) ReleaseChatRuns(ctx context.Context, chatIDs []string, owner string) error {
	if !s.d.pg() || len(chatIDs) == 0 {
		return nil
	}
	_, err := s.r().exec(ctx, "DELETE FROM chat_runs WHERE chat_id = ANY(?::text[]) AND owner = ?", chatIDs, owner)
	return wrap("release chat runs", err)
}

// StalledScenarios returns open chats whose scenario stands between two
// steps (not waiting) and has not moved since before: their run was cut
// off, as when its node died.
func (s *Store) StalledScenarios(ctx context.Context, before time.Time, limit int) ([]string, error) {
	rows, err := s.r().query(ctx, `SELECT id FROM chats
		WHERE scenario_block <> '' AND scenario_waiting = '' AND state <> 'closed' AND updated_at < ?
		ORDER BY updated_at LIMIT ?`, dbTime(normTime(before)), limit)
	if err != nil {
		return nil, wrap("stalled scenarios", err)
	}
	ids, err := collect(rows, scanOne[string])
	return ids, wrap("stalled scenarios", err)
}
