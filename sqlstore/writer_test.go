package sqlstore

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// TestWritesRunOnTheWriter: on SQLite every write (a transaction, a
// statement outside one, the webhook's group commit) runs on the writer's
// one connection, so no other connection changes the database under it
// and its page cache stays valid. PRAGMA data_version, read on the
// writer, moves only when another connection has committed.
func TestWritesRunOnTheWriter(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	version := func() int64 {
		t.Helper()
		conn, err := s.wdb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	writes := []struct {
		name string
		fn   func(i int) error
	}{
		{"statement returning rows", func(i int) error {
			return s.UpsertService(ctx, &parley.Service{TenantID: "t1", Name: "Sales " + string(rune('A'+i))})
		}},
		{"transaction", func(i int) error {
			return s.AddFacts(ctx, []parley.Fact{{TenantID: "t1", ChatID: "c1", Kind: parley.FactCustomerMessage, At: time.Unix(int64(1000+i), 0)}})
		}},
		{"statement outside a transaction", func(i int) error {
			sv, err := s.ServiceByName(ctx, "t1", "Sales A")
			if err != nil {
				return err
			}
			return s.SetServiceThresholds(ctx, parley.ServiceThresholds{ServiceID: sv.ID, ServiceLevel: time.Duration(i+1) * time.Minute, ServiceLevelTarget: 80})
		}},
		{"group commit", func(i int) error {
			_, err := s.AddInbound(ctx, []*parley.InboundEvent{{TenantID: "t1", AccountID: "a1", Channel: "facebook", DedupKey: "m" + string(rune('a'+i)), Payload: []byte("{}")}})
			return err
		}},
	}
	before := version()
	for round := range 3 { // the first runs each statement unprepared, later ones prepared
		for _, w := range writes {
			if err := w.fn(round); err != nil {
				t.Fatalf("%s (round %d): %v", w.name, round, err)
			}
		}
	}
	if after := version(); after != before {
		t.Errorf("data_version on the writer went %d → %d: another connection wrote", before, after)
	}
	if s.wcache().n.Load() == 0 {
		t.Error("the writer prepared no statement after its transactions")
	}

	// The check sees a write made elsewhere.
	if _, err := s.db.ExecContext(ctx, "UPDATE services SET disabled = 1 - disabled"); err != nil {
		t.Fatal(err)
	}
	if after := version(); after == before {
		t.Error("data_version on the writer did not move after a write on the pool")
	}
}

// TestWriterKeepsTemporaryDataInMemory: the writer keeps the statement
// journal of a batch's savepoints in memory (temp_store 2) instead of a
// temporary file made and deleted for every batch; the readers keep
// SQLite's default (0), so a large report's sort may still spill to disk.
func TestWriterKeepsTemporaryDataInMemory(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	for _, c := range []struct {
		name string
		db   interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		}
		want int
	}{
		{"writer", s.wdb, 2},
		{"readers", s.db, 0},
	} {
		var got int
		if err := c.db.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: temp_store = %d, want %d", c.name, got, c.want)
		}
	}
}
