package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// stmtCache keeps prepared statements for the hottest queries (a chat's
// scenario step reads the chat and saves its position), so SQLite and
// PostgreSQL parse them once instead of at every step.
type stmtCache struct {
	db *sql.DB
	m  sync.Map     // rebound query → *sql.Stmt
	n  atomic.Int32 // entries in m
}

// maxCachedStmts bounds what cachedQuerier adds to the cache: queries
// built with a varying number of placeholders (IN lists, report filters)
// would otherwise add an entry per shape. Past it, new queries run
// unprepared.
const maxCachedStmts = 512

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
	c.n.Add(1)
	return st, nil
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		_ = v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
	c.n.Store(0)
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

// cachedQuerier runs queries on a pool (tx nil) or in a transaction with
// the cache's prepared statements. SQLite's store runs every query
// through it: modernc's driver prepares and finalizes each unprepared
// statement, and parsing SQL was about a third of the CPU of handling an
// incoming message. (pgx prepares and caches per connection itself.) A
// query that fails to prepare runs unprepared, which reports its error.
type cachedQuerier struct {
	c  *stmtCache
	db querier
	tx *sql.Tx
}

func (q cachedQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if _, ok := q.c.m.Load(query); !ok && q.c.n.Load() >= maxCachedStmts {
		return nil
	}
	st, err := q.c.get(ctx, query)
	if err != nil || st == nil {
		return nil
	}
	if q.tx != nil {
		return q.tx.StmtContext(ctx, st) // the connection's prepared statement, reused
	}
	return st
}

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.db.ExecContext(ctx, query, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.db.QueryContext(ctx, query, args...)
}

func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.db.QueryRowContext(ctx, query, args...)
}

// cache returns the store's statement cache.
func (s *Store) cache() *stmtCache {
	s.stmtsOnce.Do(func() { s.stmts = &stmtCache{db: s.db} })
	return s.stmts
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

// sqlTx returns the transaction r runs in, or nil outside one.
func (r runner) sqlTx() *sql.Tx {
	switch q := r.q.(type) {
	case *sql.Tx:
		return q
	case cachedQuerier:
		return q.tx
	}
	return nil
}
