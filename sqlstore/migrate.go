package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migration is one embedded schema change, NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's migrations in version order.
func (d *dialect) migrations() ([]migration, error) {
	dir := d.migrationsDir()
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: bad version %q", name, num)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at BIGINT NOT NULL
)`

// Migrate applies the embedded migrations that are not applied yet, each
// in its own transaction. On PostgreSQL a session advisory lock (keyed by
// the current schema) keeps concurrent migrators apart; on SQLite every
// migration transaction is IMMEDIATE and re-checks its version inside.
// Running it again is a no-op.
func (s *Store) Migrate(ctx context.Context) (err error) {
	ms, err := s.d.migrations()
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	// One connection for the whole run: PostgreSQL advisory locks belong
	// to a session.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	r := runner{q: conn, d: s.d}
	if err := s.d.migrationLock(ctx, r, true); err != nil {
		return fmt.Errorf("sqlstore: migrate: lock: %w", err)
	}
	defer func() {
		// Unlock on a fresh context: ctx may be what ended the run.
		if uerr := s.d.migrationLock(context.WithoutCancel(ctx), r, false); uerr != nil && err == nil {
			err = fmt.Errorf("sqlstore: migrate: unlock: %w", uerr)
		}
	}()
	if _, err := r.exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, conn, m); err != nil {
			return fmt.Errorf("sqlstore: migrate %s: %w", m.name, err)
		}
	}
	if !s.d.pg() {
		s.searchOnce.Do(func() { s.search = s.startSearchIndexer() })
	}
	return nil
}

// applyMigration runs m in one transaction unless it is applied already.
func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	r := runner{q: tx, d: s.d}
	var n int
	if err := r.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := r.exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, dbTime(s.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// pendingMigrations returns the embedded migrations the database lacks.
func (s *Store) pendingMigrations(ctx context.Context) ([]migration, error) {
	ms, err := s.d.migrations()
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	rows, err := s.r().query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		if s.migrationsTableMissing(ctx) {
			return ms, nil
		}
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var pending []migration
	for _, m := range ms {
		if !applied[m.version] {
			pending = append(pending, m)
		}
	}
	return pending, nil
}

// migrationsTableMissing reports whether schema_migrations does not exist
// (as opposed to the query failing for another reason).
func (s *Store) migrationsTableMissing(ctx context.Context) bool {
	var n int
	err := s.r().queryRow(ctx, s.d.tableExistsQuery(), "schema_migrations").Scan(&n)
	return err == nil && n == 0
}
