package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestPostgresConnectionsKilled: while customers write, every database
// connection of the server is killed again and again, as a PostgreSQL
// restart or failover does. The platform sends each message again until
// it is acknowledged (any answer but 200 means "again" to Facebook);
// afterwards every acknowledged message is in its customer's chat once,
// in the order it was sent, and nothing is recorded as failed.
func TestPostgresConnectionsKilled(t *testing.T) {
	const customers, each = 4, 20
	dsn := databases(t)["postgres"](t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	appName := fmt.Sprintf("parley-fault-%d", time.Now().UnixNano())
	q := u.Query()
	q.Set("application_name", appName)
	u.RawQuery = q.Encode()
	w := newWorld(t, u.String())
	for c := range customers {
		w.graph.SetProfile(fmt.Sprintf("70000000000003%02d", c), "Kill", fmt.Sprintf("No%02d", c), "")
	}
	admin, err := sql.Open("pgx", sqltest.PostgresDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	var killed, kills atomic.Int64
	stop := make(chan struct{})
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			var n int64
			err := admin.QueryRow(`SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) k`, appName).Scan(&n)
			if err != nil {
				t.Errorf("kill connections: %v", err)
				return
			}
			killed.Add(n)
			kills.Add(1)
		}
	}()

	var wg sync.WaitGroup
	var retries atomic.Int64
	for c := range customers {
		wg.Go(func() {
			psid := fmt.Sprintf("70000000000003%02d", c)
			for i := range each {
				// Sent again until acknowledged, as the platform does.
				deadline := time.Now().Add(time.Minute)
				for {
					err := w.trySays(psid, fmt.Sprintf("m.k.%d.%d", c, i), fmt.Sprintf("message %d", i))
					if err == nil {
						break
					}
					if time.Now().After(deadline) {
						t.Errorf("never acknowledged: %v", err)
						return
					}
					retries.Add(1)
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(100 * time.Millisecond) // a customer types
			}
		})
	}
	wg.Wait()
	close(stop)
	<-killerDone
	if kills.Load() < 3 || killed.Load() == 0 {
		t.Fatalf("connections killed %d times (%d in all): too few for the test to prove anything", kills.Load(), killed.Load())
	}
	t.Logf("killed %d connections in %d rounds; %d deliveries sent again", killed.Load(), kills.Load(), retries.Load())

	sam := w.login("sam", "sam-pass")
	want := make([]string, each)
	for i := range each {
		want[i] = fmt.Sprintf("message %d", i)
	}
	for c := range customers {
		name := fmt.Sprintf("Kill No%02d", c)
		eventually(t, name+"'s messages", func() bool { return len(customerTexts(sam, name)) >= each })
		if got := customerTexts(sam, name); !slices.Equal(got, want) {
			t.Errorf("%s's messages = %q, want %q", name, got, want)
		}
	}
	var failed int
	if err := admin.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+schemaOf(t, dsn)+`.inbound_events WHERE error <> ''`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		t.Errorf("%d inbound events recorded as failed", failed)
	}
}

// schemaOf is the quoted schema a test DSN's search_path names.
func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Query().Get("search_path") == "" {
		t.Fatalf("no search_path in the test DSN")
	}
	return `"` + u.Query().Get("search_path") + `"`
}
