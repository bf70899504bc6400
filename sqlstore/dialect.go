package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file holds every difference between SQLite and PostgreSQL. The rest
// of the package writes portable SQL with ? placeholders and calls the
// helpers below where the databases disagree.

// Dialect names returned by (*Store).Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// dialect describes one database flavour.
type dialect struct {
	name string
}

var (
	sqliteDialect   = &dialect{name: DialectSQLite}
	postgresDialect = &dialect{name: DialectPostgres}
)

func (d *dialect) pg() bool { return d == postgresDialect }

// dialectFor picks the dialect of dsn and returns the database/sql driver
// name and data source to open it with.
func dialectFor(dsn string) (d *dialect, driver, source string, err error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgresDialect, "pgx", dsn, nil
	}
	path, rawQuery, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" {
		return nil, "", "", errors.New("empty SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, "", "", fmt.Errorf("create database directory: %w", err)
	}
	// Parameters given in the DSN are kept; ours come after them.
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, "", "", fmt.Errorf("SQLite DSN parameters: %w", err)
	}
	for _, p := range []string{
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"foreign_keys(1)",
		"synchronous(NORMAL)",
		// The store checkpoints in the background (checkpoint.go)
		// instead of in the committing writer.
		"wal_autocheckpoint(0)",
		"journal_size_limit(16777216)", // = checkpointWALBytes,
	} {
		q.Add("_pragma", p)
	}
	// Write transactions start with BEGIN IMMEDIATE: they take the write
	// lock up front (waiting out busy_timeout) instead of failing with
	// SQLITE_BUSY when a read lock cannot be upgraded.
	q.Set("_txlock", "immediate")
	return sqliteDialect, "sqlite", "file:" + path + "?" + q.Encode(), nil
}

// rebind rewrites ? placeholders to PostgreSQL's $1, $2, … . Queries in
// this package never contain a literal question mark.
func (d *dialect) rebind(query string) string {
	if !d.pg() || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// forUpdate is appended to a SELECT that locks the rows it reads. SQLite
// needs none: its write transactions (BEGIN IMMEDIATE) are serialized.
func (d *dialect) forUpdate() string {
	if d.pg() {
		return " FOR UPDATE"
	}
	return ""
}

// forUpdateSkipLocked is forUpdate for work queues: concurrent claimers on
// PostgreSQL pass over rows another transaction holds.
func (d *dialect) forUpdateSkipLocked() string {
	if d.pg() {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// indexedBy makes SQLite read a table through the named index, for a
// query that walks a partial index in its order (SQLite's planner,
// without statistics, prefers an index it can search to one it can stop
// early in). PostgreSQL plans by cost.
func (d *dialect) indexedBy(index string) string {
	if d.pg() {
		return ""
	}
	return " INDEXED BY " + index
}

// xactLock serializes transactions that use the same key until the
// current transaction ends. SQLite write transactions are serialized
// already.
func (d *dialect) xactLock(ctx context.Context, r runner, key string) error {
	if !d.pg() {
		return nil
	}
	_, err := r.exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", key)
	return err
}

// xactLocks is xactLock of every key, taken in the order given, with one
// statement.
func (d *dialect) xactLocks(ctx context.Context, r runner, keys []string) error {
	if !d.pg() || len(keys) == 0 {
		return nil
	}
	_, err := r.exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n", keys)
	return err
}

// migrationLock takes (lock=true) or releases a session-level lock that
// keeps two processes from migrating the same schema at once. On SQLite
// each migration's immediate transaction is enough.
func (d *dialect) migrationLock(ctx context.Context, r runner, lock bool) error {
	if !d.pg() {
		return nil
	}
	fn := "pg_advisory_unlock"
	if lock {
		fn = "pg_advisory_lock"
	}
	_, err := r.exec(ctx, "SELECT "+fn+"(hashtextextended('parley-migrate:' || current_schema(), 0))")
	return err
}

// migrationsDir is the embedded folder of this dialect's migrations.
func (d *dialect) migrationsDir() string {
	return "migrations/" + d.name
}

// isUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		c := sqlErr.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation reports whether err is a FOREIGN KEY failure.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		return sqlErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// isRetryable reports whether a transaction failed only because of
// contention and may be run again: a PostgreSQL deadlock or serialization
// failure, or SQLite still busy after busy_timeout.
func isRetryable(err error) bool {
	if errors.Is(err, errBatchAborted) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40P01" || pgErr.Code == "40001"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		return sqlErr.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// tableExistsQuery counts the tables named by its one argument in the
// current schema.
func (d *dialect) tableExistsQuery() string {
	if d.pg() {
		return "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	return "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
}

// stringAgg is an aggregate that joins the text values of col with
// commas, in no particular order.
func (d *dialect) stringAgg(col string) string {
	if d.pg() {
		return "STRING_AGG(" + col + ", ',')"
	}
	return "GROUP_CONCAT(" + col + ", ',')"
}

// agentChangeMark is a query of the mark a reader of agent_changes passes
// next time: every change committed after the query has a stamp >= the
// mark. On PostgreSQL the stamp is the writer's transaction id, so the
// mark is the oldest transaction still running (pg_snapshot_xmin); SQLite
// writers are serialized, so it is one past the newest stamp.
func (d *dialect) agentChangeMark() string {
	if d.pg() {
		return "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
	}
	return "SELECT COALESCE(MAX(stamp), 0) + 1 FROM agent_changes"
}

// stampAtLeast compares agent_changes.stamp with a mark (one ? argument).
func (d *dialect) stampAtLeast() string { return d.stampCompare(">=") }

// stampBefore is the opposite of stampAtLeast.
func (d *dialect) stampBefore() string { return d.stampCompare("<") }

func (d *dialect) stampCompare(op string) string {
	if d.pg() {
		return "stamp " + op + " (?::bigint)::text::xid8"
	}
	return "stamp " + op + " ?"
}
