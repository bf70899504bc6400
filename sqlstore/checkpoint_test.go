package sqlstore

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointerBoundsWAL writes far more than the checkpoint threshold
// with auto-checkpoint off: the background checkpointer must keep the WAL
// small, data must survive a reopen, and Close must leave an empty WAL.
func TestCheckpointerBoundsWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := s.db.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Fatalf("wal_autocheckpoint = %d, want 0 (the store checkpoints itself)", auto)
	}
	if _, err := s.db.ExecContext(ctx, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)"); err != nil {
		t.Fatal(err)
	}
	const (
		rows    = 64
		blobLen = 64 << 10
		chunk   = checkpointWALBytes // written between two looks at the checkpointer
		target  = 8 * chunk          // well past every threshold
	)
	blob := make([]byte, blobLen)
	var maxWAL int64
	passes := func() int { st := s.CheckpointStats(); return st.Passive + st.Restart }
	for i, written := 0, 0; written < target; i++ {
		written += blobLen
		if i%16 == 0 {
			// A writer that leaves gaps, as every real one does. (One
			// that holds the write lock back to back forever starves the
			// RESTART checkpoint's busy-wait.)
			time.Sleep(time.Millisecond)
		}
		_, _ = rand.Read(blob[:64])
		if _, err := s.db.ExecContext(ctx, "INSERT OR REPLACE INTO blobs (id, b) VALUES (?, ?)", i%rows, blob); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > maxWAL {
			maxWAL = fi.Size()
		}
		if written%chunk == 0 {
			// The checkpointer looks every checkpointPoll: a writer
			// faster than that on a loaded machine (this one writes a
			// chunk in milliseconds) outruns any schedule. Real writers
			// are far slower, so after each chunk this one waits for the
			// checkpointer's next pass, and the bound below is what the
			// passes achieve, not how soon the goroutine got a CPU.
			before, waited := passes(), time.Now()
			for passes() == before {
				if time.Since(waited) > 30*time.Second {
					t.Fatalf("no checkpoint ran in 30 s with a WAL of %d MiB", maxWAL>>20)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	// Without checkpoints the WAL would hold every page written. With
	// them it stays under the hard limit plus what is written between two
	// passes, however much is written.
	const bound = 6 * checkpointWALBytes
	if maxWAL >= bound {
		t.Errorf("WAL grew to %d MiB after %d MiB written, want under %d MiB", maxWAL>>20, target>>20, bound>>20)
	}
	st := s.CheckpointStats()
	if st.Passive+st.Restart == 0 || st.Complete == 0 {
		t.Errorf("checkpoint stats %+v: want complete background checkpoints", st)
	}
	t.Logf("wrote %d MiB, largest WAL %.1f MiB, stats %+v", target>>20, float64(maxWAL)/(1<<20), st)

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL after Close is %d bytes, want empty (TRUNCATE checkpoint)", fi.Size())
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var n int
	if err := s2.db.QueryRowContext(ctx, "SELECT count(*) FROM blobs WHERE length(b) = ?", blobLen).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != rows {
		t.Errorf("after reopen %d rows, want %d", n, rows)
	}
}

// TestCheckpointerCloseTwice: Close stops the checkpointer once.
func TestCheckpointerStopsOnClose(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if s.ckpt == nil {
		t.Fatal("no checkpointer on SQLite")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.ckpt.done:
	default:
		t.Fatal("checkpointer still running after Close")
	}
	s.ckpt.close() // idempotent
}
