package sqlstore

import (
	"context"
	"fmt"
	"testing"
)

// TestStmtCacheBounded: SQLite runs every query through prepared
// statements, inside transactions too (on the writer, prepared once the
// transaction ends), and stops caching new shapes at maxCachedStmts in
// either cache; queries past the bound still run, unprepared.
func TestStmtCacheBounded(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	shapes := maxCachedStmts + 40
	for i := range shapes {
		var got int
		query := fmt.Sprintf("SELECT ? + %d", i)
		if err := s.r().queryRow(ctx, query, 1).Scan(&got); err != nil {
			t.Fatalf("query %d outside a transaction: %v", i, err)
		}
		if got != i+1 {
			t.Fatalf("query %d = %d, want %d", i, got, i+1)
		}
		err := s.inTx(ctx, func(r runner) error {
			if r.sqlTx() == nil {
				return fmt.Errorf("runner in a transaction reports none")
			}
			return r.queryRow(ctx, query, 2).Scan(&got)
		})
		if err != nil || got != i+2 {
			t.Fatalf("query %d in a transaction = %d, %v; want %d", i, got, err, i+2)
		}
	}
	if n := int(s.cache().n.Load()); n != maxCachedStmts {
		t.Fatalf("cached statements = %d, want the bound %d", n, maxCachedStmts)
	}
	if n := int(s.wcache().n.Load()); n != maxCachedStmts {
		t.Fatalf("the writer's cached statements = %d, want the bound %d", n, maxCachedStmts)
	}
}
