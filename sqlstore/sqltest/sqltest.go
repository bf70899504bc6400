// Package sqltest opens throwaway, migrated sqlstore databases for tests:
// a SQLite file in a temporary directory, or a fresh schema in the
// PostgreSQL named by $PARLEY_TEST_POSTGRES.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/parleycc/parley/sqlstore"
)

// DefaultPostgresDSN is used when $PARLEY_TEST_POSTGRES is empty.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresDSN returns the server tests use: $PARLEY_TEST_POSTGRES or
// DefaultPostgresDSN.
func PostgresDSN() string {
	if dsn := os.Getenv("PARLEY_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return DefaultPostgresDSN
}

// OpenSQLite returns a migrated store on a new SQLite file in a temporary
// directory, closed when the test ends.
func OpenSQLite(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(tb.TempDir(), "parley.db"))
	if err != nil {
		tb.Fatalf("sqltest: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("sqltest: %v", err)
	}
	return s
}

// OpenPostgres returns a migrated store in a new, uniquely named schema of
// the test server (see PostgresDSN), dropped when the test ends. If the
// server is unreachable the test fails when $CI is "true" and is skipped
// otherwise.
func OpenPostgres(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	s, _ := openPostgres(tb, true)
	return s
}

// OpenPostgresUnmigrated is OpenPostgres without Migrate, for tests of
// migration itself. The returned DSN reaches the same schema.
func OpenPostgresUnmigrated(tb testing.TB) (*sqlstore.Store, string) {
	tb.Helper()
	return openPostgres(tb, false)
}

func openPostgres(tb testing.TB, migrate bool) (*sqlstore.Store, string) {
	tb.Helper()
	base := PostgresDSN()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	err := unreachable(base)
	var admin *sql.DB
	if err == nil {
		admin, err = sql.Open("pgx", base)
	}
	if err == nil {
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		err = admin.PingContext(pctx)
		pcancel()
		if err != nil {
			_ = admin.Close()
			markUnreachable(base, err)
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("sqltest: PostgreSQL at %s unreachable (set PARLEY_TEST_POSTGRES): %v", redact(base), err)
		}
		tb.Skipf("sqltest: PostgreSQL at %s unreachable, skipping (set PARLEY_TEST_POSTGRES; CI=true makes this fatal): %v", redact(base), err)
	}
	admin.SetMaxOpenConns(1)

	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("sqltest: %v", err)
	}
	schema := "parley_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		_ = admin.Close()
		tb.Fatalf("sqltest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		// A backend whose query was cancelled as the test ended can still
		// hold locks for a moment, and the drop may then be picked as a
		// deadlock victim: try again.
		var err error
		for try := 0; try < 5; try++ {
			if _, err = admin.ExecContext(cctx, `DROP SCHEMA "`+schema+`" CASCADE`); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			tb.Errorf("sqltest: drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})

	dsn, err := withSearchPath(base, schema)
	if err != nil {
		tb.Fatalf("sqltest: %v", err)
	}
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("sqltest: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	tb.Cleanup(func() { _ = s.Close() })
	// Keep many parallel tests within the server's connection limit.
	s.DB().SetMaxOpenConns(8)
	if migrate {
		if err := s.Migrate(ctx); err != nil {
			tb.Fatalf("sqltest: %v", err)
		}
	}
	return s, dsn
}

var (
	downMu sync.Mutex
	down   = map[string]error{} // servers found unreachable, so later tests skip at once
)

func unreachable(dsn string) error {
	downMu.Lock()
	defer downMu.Unlock()
	return down[dsn]
}

func markUnreachable(dsn string, err error) {
	downMu.Lock()
	defer downMu.Unlock()
	down[dsn] = err
}

// withSearchPath returns dsn connecting with search_path set to schema.
func withSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// redact hides a password in dsn.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

// ForEachStore runs fn as subtest "sqlite" on OpenSQLite and "postgres" on
// OpenPostgres (skipped, or failed on CI, without a server).
func ForEachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}
