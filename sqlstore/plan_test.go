package sqlstore

import (
	"context"
	"strings"
	"testing"
)

// TestHotQueriesUseIndexes: queries run for every chat or message read
// through an index, never a scan or sort of their table: the ones
// QueueStats runs for every chat a Find Agent block queues, and the
// lookup of a message by its platform id that every new chat makes, the
// outbox's claim of the next replies to send, which walks the pending
// ones oldest first, and its sweep of interrupted sends (SQLite's plan; PostgreSQL plans by cost, and on a
// small test table a scan is cheaper).
func TestHotQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	cases := []struct {
		name, query  string
		args         []any
		table, index string
	}{
		{"queue length", queueLengthQuery, []any{"t", "s"}, "chats", "chats_service_queue"},
		{"queue position", queuePositionQuery, []any{"t", "s", 0, 0, 0, 0, "c"}, "chats", "chats_service_queue"},
		{"recent waits", recentWaitQuery, []any{"s"}, "chats", "chats_service_assigned"},
		{"message by platform id", messageByExternalQuery, []any{"a", "m"}, "messages", "messages_external"},
		{"unhandled message", messageByExternalQuery + " AND handled = 0", []any{"a", "m"}, "messages", "messages_external"},
		{"outbox claim, oldest first", claimOutboundQuery(s.d), []any{0, 32}, "messages", "messages_pending"},
		{"outbox claim, chat's earlier reply", claimOutboundQuery(s.d), []any{0, 32}, "messages", "messages_unsent"},
		// A walk of the whole partial index: it holds the replies being sent only.
		{"interrupted sends", "SELECT id FROM messages WHERE " + interruptedSends, []any{0}, "messages", "messages_sending"},
	}
	// One connection that has read both tables since the migrations: an
	// EXPLAIN runs nothing, so it does not check the schema cookie, and a
	// pool connection that loaded the schema part way through Migrate
	// (the checkpointer's, say) would explain with indexes missing.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, table := range []string{"chats", "messages"} {
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			all := strings.Join(plan, "; ")
			scan := strings.Contains(all, "SCAN "+c.table) && !strings.Contains(all, "SCAN "+c.table+" USING INDEX "+c.index)
			if !strings.Contains(all, c.index) || scan || strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("plan = %s, want a search of %s through %s, no scan or sort", all, c.table, c.index)
			}
		})
	}
}
