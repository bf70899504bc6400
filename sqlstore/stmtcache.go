package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// stmtCache keeps prepared statements, so a query is parsed once per
// connection instead of at every run. SQLite runs every query through it
// (see querier): modernc's driver prepares and finalizes each unprepared
// statement, and parsing SQL was about a third of the CPU of handling an
// incoming message. pgx prepares and caches per connection itself, so on
// PostgreSQL only the hottest queries use it (see p).
type stmtCache struct {
	db *sql.DB
	m  sync.Map     // rebound query → *sql.Stmt
	n  atomic.Int32 // entries in m

	// later, on the writer's cache, holds the queries a transaction ran
	// unprepared: the writer's one connection is the transaction's, so
	// they are prepared after it ends (prepareLater).
	later *sync.Map // rebound query → struct{}
}

// maxCachedStmts bounds the cache: queries built with a varying number of
// placeholders (IN lists, report filters) would otherwise add an entry
// per shape. Past it, new queries run unprepared.
const maxCachedStmts = 512

// get returns query's prepared statement, preparing it on first use; nil
// once the cache is full and query is not in it.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	if c.n.Load() >= maxCachedStmts {
		return nil, nil
	}
	return c.add(ctx, query)
}

// always is get for the few statements a caller needs prepared (the
// inbound log's inserts): they are cached past the bound.
func (c *stmtCache) always(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	return c.add(ctx, query)
}

func (c *stmtCache) add(ctx context.Context, query string) (*sql.Stmt, error) {
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

// prepareLater prepares the queries transactions ran unprepared since
// the last call; a query that fails to prepare is left to run unprepared
// again, reporting its error there.
func (c *stmtCache) prepareLater(ctx context.Context) {
	if c == nil || c.later == nil {
		return
	}
	c.later.Range(func(k, _ any) bool {
		c.later.Delete(k)
		_, _ = c.get(ctx, k.(string))
		return true
	})
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

// cachedQuerier runs queries on the pool (tx nil) or in a transaction
// with the cache's prepared statements. A query that is not cached (the
// cache is full) or fails to prepare runs unprepared, which reports its
// error the usual way.
type cachedQuerier struct {
	c  *stmtCache
	db querier // the pool or tx
	tx *sql.Tx
}

func (q cachedQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.tx != nil && q.c.later != nil {
		st, ok := q.c.m.Load(query)
		if !ok {
			if q.c.n.Load() < maxCachedStmts {
				q.c.later.Store(query, struct{}{})
			}
			return nil
		}
		return q.tx.StmtContext(ctx, st.(*sql.Stmt))
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

// querier returns what runs the store's queries on the pool (tx nil) or
// in tx: prepared statements on SQLite, the driver's own on PostgreSQL.
func (s *Store) querier(tx *sql.Tx) querier {
	switch {
	case s.d.pg() && tx != nil:
		return tx
	case s.d.pg():
		return s.db
	case tx != nil:
		return cachedQuerier{c: s.wcache(), db: tx, tx: tx} // begun on the writer
	default:
		return cachedQuerier{c: s.cache(), db: s.db}
	}
}

// p returns a runner outside any transaction that prepares its statements
// once, on either database. Use it for queries run at every scenario step.
func (s *Store) p() runner {
	if s.tx != nil {
		return *s.tx
	}
	return runner{q: cachedQuerier{c: s.cache(), db: s.db}, d: s.d, n: &s.queries, batch: s.writeBatch(), w: s.writeQuerier()}
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
