package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

var ctx = context.Background()

// t0 is a fixed, microsecond-exact instant tests build times from.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err carries the parley error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrateAndPing(t *testing.T) {
	open := map[string]func(t *testing.T) *sqlstore.Store{
		"sqlite": func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "sub", "dir", "p.db"))
			must(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
		"postgres": func(t *testing.T) *sqlstore.Store {
			s, _ := sqltest.OpenPostgresUnmigrated(t)
			return s
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			s := open[name](t)
			if s.Dialect() != name {
				t.Fatalf("Dialect() = %q", s.Dialect())
			}
			if err := s.Ping(ctx); err == nil {
				t.Fatal("Ping before Migrate succeeded")
			}
			must(t, s.Migrate(ctx))
			must(t, s.Ping(ctx))
			must(t, s.Migrate(ctx)) // no-op
			must(t, s.Ping(ctx))
			var n int
			must(t, s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n))
			files, err := filepath.Glob(filepath.Join("migrations", name, "*.sql"))
			must(t, err)
			if n != len(files) {
				t.Fatalf("schema_migrations has %d rows, want %d (one per migration file)", n, len(files))
			}
			must(t, s.Close())
			if err := s.Ping(ctx); err == nil {
				t.Fatal("Ping after Close succeeded")
			}
		})
	}
}

func TestSQLitePragmas(t *testing.T) {
	s := sqltest.OpenSQLite(t)
	var mode string
	var fk, busy int
	must(t, s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	must(t, s.DB().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
	must(t, s.DB().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
	if mode != "wal" || fk != 1 || busy != 10000 {
		t.Fatalf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
	}
}

func TestConcurrentMigrate(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		_, dsn := sqltest.OpenPostgresUnmigrated(t)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := sqlstore.Open(ctx, dsn)
				if err != nil {
					errs <- err
					return
				}
				defer s.Close()
				if err := s.Migrate(ctx); err != nil {
					errs <- err
					return
				}
				errs <- s.Ping(ctx)
			}()
		}
		for range 4 {
			must(t, <-errs)
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "p.db")
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := sqlstore.Open(ctx, path)
				if err != nil {
					errs <- err
					return
				}
				defer s.Close()
				if err := s.Migrate(ctx); err != nil {
					errs <- err
					return
				}
				errs <- s.Ping(ctx)
			}()
		}
		for range 4 {
			must(t, <-errs)
		}
	})
}

func TestTenant(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ten := &parley.Tenant{ID: parley.DefaultTenant, Name: "Default", CreatedAt: at(0)}
		must(t, s.EnsureTenant(ctx, ten))
		again := &parley.Tenant{ID: parley.DefaultTenant, Name: "Other"}
		must(t, s.EnsureTenant(ctx, again))
		if !again.CreatedAt.Equal(at(0)) || again.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt = %v, want the first one", again.CreatedAt)
		}

		for _, want := range [][]string{{"Break", "Coaching"}, nil} {
			must(t, s.SetNotReadyReasons(ctx, parley.DefaultTenant, want))
			got, err := s.Tenant(ctx, parley.DefaultTenant)
			must(t, err)
			if !slices.Equal(got.NotReadyReasons, want) || got.Name != "Default" {
				t.Fatalf("tenant = %+v, want reasons %v", got, want)
			}
		}
		_, err := s.Tenant(ctx, "nobody")
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.SetNotReadyReasons(ctx, "nobody", []string{"Break"}), parley.ENOTFOUND)
	})
}
