package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueueStatsUseIndexes: the queries QueueStats runs for every chat a
// Find Agent block queues read through indexes, never a scan or sort of
// the chats table (SQLite's plan; PostgreSQL plans by cost, and on a small
// test table a scan is cheaper).
func TestQueueStatsUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, query string
		args        []any
		index       string
	}{
		{"queue length", queueLengthQuery, []any{"t", "s"}, "chats_service_queue"},
		{"queue position", queuePositionQuery, []any{"t", "s", 0, 0, 0, 0, "c"}, "chats_service_queue"},
		{"recent waits", recentWaitQuery, []any{"s"}, "chats_service_assigned"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, c.args...)
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
			if !strings.Contains(all, c.index) || strings.Contains(all, "SCAN chats") || strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("plan = %s, want a search of chats through %s, no scan or sort", all, c.index)
			}
		})
	}
}
