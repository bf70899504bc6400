// Package sqlstore implements parley.Store on SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx), through database/sql and one set of
// hand-written queries. The two databases behave identically; the contract
// tests in this package run every case on both.
//
// Times are stored as BIGINT microseconds since the Unix epoch (NULL for the
// zero time) and returned in UTC. Identifiers are UUIDv7 strings. Every
// dialect difference lives in dialect.go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/secrets"
)

// Store is a parley.Store backed by SQLite or PostgreSQL.
type Store struct {
	db *sql.DB
	d  *dialect
	// wdb is SQLite's writer: one connection that runs every write (see
	// writer); nil on PostgreSQL.
	wdb *sql.DB

	stmts      *stmtCache // see stmtcache.go
	stmtsOnce  sync.Once
	wstmts     *stmtCache // the writer's prepared statements
	wstmtsOnce sync.Once

	ckpt *checkpointer // SQLite only; see checkpoint.go
	// search indexes new messages for transcript search (SQLite only,
	// started by Migrate); see message_search.go.
	search      *searchIndexer
	searchOnce  sync.Once
	searchBatch int64 // messages indexed per transaction (searchIndexBatch)

	clock   parley.Clock
	queries atomic.Int64     // statements run; see Queries
	keys    *secrets.Keyring // seals accounts' credentials; see secrets.go
	batches txBatches        // SQLite: write transactions committed together; see txbatch.go
	// timelines are chats' fact timelines as this node last wrote them;
	// see fact_timelines.go.
	timelines timelines
	// thresholds are the tenants' metric configurations; see
	// threshold_cache.go. Shared with the Stores Atomically makes.
	thresholds *thresholdCache

	tx *runner // set on the Store that Atomically gives its function
}

var _ parley.Store = (*Store)(nil)

// Open connects to dsn: a postgres:// or postgresql:// URL opens
// PostgreSQL, anything else is the path of a SQLite file (its directory is
// created). Open does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	d, driver, source, err := dialectFor(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	var db *sql.DB
	maxOpen := 0
	if d.pg() {
		db, maxOpen, err = openPostgres(source)
	} else {
		db, err = sql.Open(driver, source)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	if err := ping(ctx, db, d); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", d.name, err)
	}
	sizePool(db, d, maxOpen)
	s := &Store{db: db, d: d, clock: parley.SystemClock{}, searchBatch: searchIndexBatch, thresholds: &thresholdCache{}}
	if !d.pg() {
		if s.wdb, err = openWriter(driver, source); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("sqlstore: open %s writer: %w", d.name, err)
		}
		path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
		s.ckpt = startCheckpointer(db, path)
	}
	return s, nil
}

// ping opens the first connection. On SQLite several processes opening a
// new file at once race to switch it to WAL, and SQLite answers the losers
// SQLITE_BUSY at once instead of waiting out busy_timeout: try again.
func ping(ctx context.Context, db *sql.DB, d *dialect) error {
	for try := 0; ; try++ {
		err := db.PingContext(ctx)
		if err == nil || d.pg() || !isRetryable(err) || try == 50 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// DB returns the underlying pool, e.g. to tune its limits.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	if s.tx != nil {
		return nil // Atomically's Store: the transaction is not its to end
	}
	if s.search != nil {
		s.search.close()
	}
	if s.ckpt != nil {
		s.ckpt.close()
	}
	if s.stmts != nil {
		s.stmts.close()
	}
	if s.wstmts != nil {
		s.wstmts.close()
	}
	if s.wdb != nil {
		if err := s.wdb.Close(); err != nil {
			_ = s.db.Close()
			return fmt.Errorf("sqlstore: close writer: %w", err)
		}
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlstore: close: %w", err)
	}
	return nil
}

// Ping reports whether the database is reachable and every migration is
// applied.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	pending, err := s.pendingMigrations(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("sqlstore: ping: %d migration(s) not applied, first %04d", len(pending), pending[0].version)
	}
	return nil
}

// querier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs portable queries (with ? placeholders) on a querier.
type runner struct {
	q querier
	d *dialect
	n *atomic.Int64 // counts statements when set
	// batch, outside a transaction on SQLite, runs exec's statement as a
	// transaction of a write batch (txbatch.go): alone it would pay a
	// commit of its own and wait for the writer between batches.
	batch func(ctx context.Context, fn func(r runner) error) error
	w     querier // outside a transaction on SQLite: where writes that return rows run
	// detach: the statements run to the end even if the caller's context
	// is cancelled (a batched transaction, see txbatch.go).
	detach bool
	post   *[]func() // in a transaction: what runs once it has committed
}

// afterCommit has fn run once r's transaction has committed, and never if
// it rolls back; outside a transaction fn never runs.
func (r runner) afterCommit(fn func()) {
	if r.post != nil {
		*r.post = append(*r.post, fn)
	}
}

// context is where r's statements run: ctx, or ctx without its
// cancellation for a detached runner.
func (r runner) context(ctx context.Context) context.Context {
	if r.detach {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// count notes one statement run.
func (r runner) count() {
	if r.n != nil {
		r.n.Add(1)
	}
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r.count()
	if r.batch != nil {
		var res sql.Result
		err := r.batch(ctx, func(tr runner) error {
			tr.n = nil // counted here
			var err error
			res, err = tr.exec(ctx, query, args...)
			return err
		})
		return res, err
	}
	return r.q.ExecContext(r.context(ctx), r.d.rebind(query), args...)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.count()
	ctx = r.context(ctx)
	return r.on(query).QueryContext(ctx, r.d.rebind(query), args...)
}

func (r runner) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	r.count()
	ctx = r.context(ctx)
	return r.on(query).QueryRowContext(ctx, r.d.rebind(query), args...)
}

// on returns where query runs: a statement that writes and returns rows
// (INSERT … RETURNING) outside a transaction runs on the SQLite writer,
// which takes one statement at a time; the rest on r's querier.
func (r runner) on(query string) querier {
	if r.w != nil && writes(query) {
		return r.w
	}
	return r.q
}

// writes reports whether query changes rows: it starts with INSERT,
// UPDATE, DELETE or REPLACE.
func writes(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE", "REPLAC":
		return true
	}
	return false
}

// execOne runs a statement that must change exactly one row and returns
// false when it changed none.
func (r runner) execOne(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := r.exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n > 0, nil
}

// r returns a runner outside any transaction.
func (s *Store) r() runner {
	if s.tx != nil {
		return *s.tx
	}
	return runner{q: s.querier(nil), d: s.d, n: &s.queries, batch: s.writeBatch(), w: s.writeQuerier()}
}

// writeBatch is runner.batch: inTx on SQLite, nil on PostgreSQL.
func (s *Store) writeBatch() func(ctx context.Context, fn func(r runner) error) error {
	if s.wdb == nil {
		return nil
	}
	return s.inTx
}

// Queries is how many SQL statements the store has run since it was
// opened (migrations aside), for tests and benchmarks of query counts.
func (s *Store) Queries() int64 { return s.queries.Load() }

// maxTxAttempts bounds how often inTx reruns a transaction that lost a
// deadlock or busy race.
const maxTxAttempts = 3

// inTx runs fn in a write transaction and commits it. SQLite transactions
// begin IMMEDIATE (see dialect.go); PostgreSQL ones run at READ COMMITTED
// and lock what they read with forUpdate. fn must not keep state between
// attempts other than what it overwrites.
func (s *Store) inTx(ctx context.Context, fn func(r runner) error) error {
	if s.tx != nil {
		return fn(*s.tx) // part of Atomically's transaction
	}
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = s.tryTx(ctx, fn)
		if err == nil || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(r runner) error) error {
	if s.wdb != nil {
		return s.batchedTx(ctx, fn) // SQLite
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	var post []func()
	if err := fn(runner{q: s.querier(tx), d: s.d, n: &s.queries, post: &post}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, f := range post {
		f()
	}
	return nil
}

// Atomically runs fn with a Store whose reads and writes all belong to one
// transaction, committed when fn returns nil and rolled back otherwise, so
// a change made of several writes (an admin's save, a configuration file)
// is applied whole or not at all. The transaction first takes the lock
// named lock ("" for none): on PostgreSQL a transaction-scoped advisory
// lock, so two saves of one object run one after the other and the second
// reads what the first wrote; SQLite runs one write transaction at a time
// anyway. fn may run more than once (a lost deadlock is retried) and must
// not use the Store it was given after returning.
func (s *Store) Atomically(ctx context.Context, lock string, fn func(parley.Store) error) error {
	if s.tx != nil {
		return s.atomicallyIn(ctx, *s.tx, lock, fn)
	}
	return s.inTx(ctx, func(r runner) error { return s.atomicallyIn(ctx, r, lock, fn) })
}

func (s *Store) atomicallyIn(ctx context.Context, r runner, lock string, fn func(parley.Store) error) error {
	if lock != "" {
		if err := s.d.xactLock(ctx, r, lock); err != nil {
			return wrap("lock "+lock, err)
		}
	}
	return fn(&Store{db: s.db, d: s.d, clock: s.clock, keys: s.keys, thresholds: s.thresholds, tx: &r})
}

// wrap prefixes err with the operation unless it is a *parley.Error, which
// is returned as is so that callers see its code and message.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *parley.Error
	if errors.As(err, &pe) {
		return err
	}
	if transient(err) {
		err = parley.Unavailable(err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// notFound turns sql.ErrNoRows into ENOTFOUND "<what> <id> not found".
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "%s %s not found", what, id)
	}
	return err
}

// newID returns a new time-ordered identifier.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}

// now is the store's own clock for timestamps the caller does not give.
// now is the store's clock, at the precision the database keeps.
func (s *Store) now() time.Time { return normTime(s.clock.Now()) }

// SetClock makes the store stamp rows (created_at, updated_at, …) with
// c instead of the wall clock, so a test's fake time is the time the
// rows say. Call it before the store is used.
func (s *Store) SetClock(c parley.Clock) { s.clock = c }
