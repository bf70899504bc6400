package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements for the hottest queries (a chat's
// scenario step reads the chat and saves its position), so SQLite and
// PostgreSQL parse them once instead of at every step.
type stmtCache struct {
	db *sql.DB
	m  sync.Map // rebound query → *sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := c.m.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		_ = v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}

// ExecContext implements querier with a cached statement.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext implements querier with a cached statement.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext implements querier with a cached statement; a failed
// prepare falls back to an unprepared query, which reports the error.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.get(ctx, query)
	if err != nil {
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// p returns a runner outside any transaction that prepares its statements
// once. Use it for queries run at every scenario step.
func (s *Store) p() runner {
	if s.tx != nil {
		return *s.tx
	}
	s.stmtsOnce.Do(func() { s.stmts = &stmtCache{db: s.db} })
	return runner{q: s.stmts, d: s.d, n: &s.queries, gate: s.gate}
}
