package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestPoolKeepsConnections: connections handed back after parallel work
// stay open for the next statements instead of being closed past the
// second (database/sql's default) or, on SQLite, past 16, which on SQLite
// re-parsed the schema and re-prepared the statements and on PostgreSQL
// started a new backend for nearly every statement.
func TestPoolKeepsConnections(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		db := s.DB()
		parallel := 8 // the test pool's PostgreSQL limit
		if s.Dialect() == "sqlite" {
			// A burst as a loaded node makes: the outbox reads 32 chats
			// at once while agents' requests and inbound lanes read too.
			parallel = 64
		}
		for round := range 3 {
			var held []func() error
			for range parallel {
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.PingContext(ctx); err != nil {
					t.Fatal(err)
				}
				held = append(held, c.Close)
			}
			for _, release := range held {
				if err := release(); err != nil {
					t.Fatal(err)
				}
			}
			st := db.Stats()
			if st.MaxIdleClosed != 0 || st.OpenConnections < parallel {
				t.Fatalf("round %d: %d connections closed for the idle limit, %d open; want 0 closed, %d open",
					round, st.MaxIdleClosed, st.OpenConnections, parallel)
			}
		}
	})
}

// postgresDSNWith is the test server's URL with one more query
// parameter (none when param is empty).
func postgresDSNWith(param string) string {
	dsn := sqltest.PostgresDSN()
	if param == "" {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + param
}

// TestPostgresJITOff: Parley's PostgreSQL connections run with JIT off
// (compiling a knowledge search's plan took longer than running it),
// unless the connection string sets jit.
func TestPostgresJITOff(t *testing.T) {
	cases := []struct{ name, param, want string }{
		{"default", "", "off"},
		{"the URL's own setting", "jit=on", "on"},
	}
	for _, c := range cases {
		s, err := sqlstore.Open(context.Background(), postgresDSNWith(c.param))
		if err != nil {
			t.Fatal(err)
		}
		var jit string
		err = s.DB().QueryRowContext(context.Background(), "SHOW jit").Scan(&jit)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if jit != c.want {
			t.Errorf("%s: jit = %s, want %s", c.name, jit, c.want)
		}
	}
}

// TestPostgresMaxConns: a node's PostgreSQL pool opens at most the URL's
// pool_max_conns (taken out of what reaches the server), unbounded
// without it; a bad value is refused naming the parameter.
func TestPostgresMaxConns(t *testing.T) {
	cases := []struct {
		param   string
		want    int
		wantErr string
	}{
		{"", 0, ""}, // database/sql's "unlimited"
		{"pool_max_conns=3", 3, ""},
		{"pool_max_conns=0", 0, "pool_max_conns"},
		{"pool_max_conns=many", 0, "pool_max_conns"},
	}
	for _, c := range cases {
		s, err := sqlstore.Open(context.Background(), postgresDSNWith(c.param))
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%q: error %v, want one naming %s", c.param, err, c.wantErr)
			}
			if err == nil {
				s.Close()
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.param, err)
		}
		if got := s.DB().Stats().MaxOpenConnections; got != c.want {
			t.Errorf("%q: at most %d open connections, want %d", c.param, got, c.want)
		}
		s.Close()
	}
}
