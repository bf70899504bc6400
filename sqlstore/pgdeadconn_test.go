package sqlstore_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestPostgresEndedConnections: right after the server ended every
// connection of the pool (a restart or failover, here an admin's
// pg_terminate_backend), reads, writes and transactions succeed on fresh
// connections instead of failing on the pooled dead ones.
func TestPostgresEndedConnections(t *testing.T) {
	st, dsn := sqltest.OpenPostgresUnmigrated(t)
	must(t, st.Migrate(ctx))
	st.Close()
	u, err := url.Parse(dsn)
	must(t, err)
	app := fmt.Sprintf("parley-ended-%d", time.Now().UnixNano())
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	s, err := sqlstore.Open(ctx, u.String())
	must(t, err)
	defer s.Close()
	admin, err := sql.Open("pgx", sqltest.PostgresDSN())
	must(t, err)
	defer admin.Close()

	for round := range 3 {
		// Pooled connections, used a moment ago.
		for i := range 4 {
			must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: fmt.Sprintf("t%d-%d", round, i), Name: "T"}))
		}
		var ended int
		must(t, admin.QueryRow(`SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) k`, app).Scan(&ended))
		if ended == 0 {
			t.Fatal("no connection to end: the test proved nothing")
		}
		if _, err := s.Tenant(ctx, fmt.Sprintf("t%d-0", round)); err != nil { // a read
			t.Fatalf("round %d: read after the server ended %d connections: %v", round, ended, err)
		}
		if err := s.EnsureTenant(ctx, &parley.Tenant{ID: fmt.Sprintf("after-%d", round), Name: "T"}); err != nil { // a transaction
			t.Fatalf("round %d: write after the server ended %d connections: %v", round, ended, err)
		}
	}
}
