package sqlstore

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"time"
)

// SQLite's WAL grows with every commit until a checkpoint copies its pages
// back into the database file. By default SQLite runs that checkpoint
// inside the commit that crosses wal_autocheckpoint pages (1000), so one
// unlucky writer in a thousand pays for it: that was the scenario step's
// p99 (docs/BENCHMARKS.md). The store's connections therefore open with
// wal_autocheckpoint=0 (dialect.go) and the store runs its own checkpointer
// goroutine instead:
//
//   - a PASSIVE checkpoint every checkpointInterval if the WAL was written
//     since the last one, and at once when the WAL file is larger than
//     checkpointWALBytes. PASSIVE copies what it can without waiting for
//     readers or blocking writers.
//   - A writer reuses the WAL from its start only if, when it begins, a
//     checkpoint has copied every frame; under steady writes a PASSIVE
//     checkpoint never quite catches up (new frames arrive while it
//     copies). So when a checkpoint finds more than checkpointRestartFrames
//     frames, a RESTART follows it: it holds writers back only while it
//     copies the few frames appended since the PASSIVE pass, and makes the
//     next writer start the WAL over.
//   - At Close, a TRUNCATE checkpoint, leaving an empty WAL.
//
// journal_size_limit (dialect.go, equal to checkpointWALBytes) truncates the
// WAL file when it is reused, so a file larger than that means the live WAL
// grew past it since: the size is the growth signal.
const (
	checkpointPoll          = 100 * time.Millisecond
	checkpointInterval      = time.Second
	checkpointWALBytes      = 16 << 20
	checkpointRestartFrames = 4096 // 16 MiB of 4 KiB pages
)

// checkpointer runs the store's SQLite checkpoints (none on PostgreSQL).
type checkpointer struct {
	db      *sql.DB
	walPath string
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once

	mu    sync.Mutex
	stats CheckpointStats
}

// CheckpointStats counts the background checkpoints of a SQLite store.
type CheckpointStats struct {
	Passive  int // PASSIVE checkpoints run
	Restart  int // RESTART checkpoints run (a PASSIVE one found a long WAL)
	Errors   int // checkpoints that failed (retried at the next pass)
	Complete int // checkpoints that copied the whole WAL
	// MaxFrames is the largest WAL (in frames) a checkpoint found.
	MaxFrames int
	// WALFileBytes is the WAL file's size at the last look.
	WALFileBytes int64
}

func startCheckpointer(db *sql.DB, dbPath string) *checkpointer {
	c := &checkpointer{db: db, walPath: dbPath + "-wal", stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointPoll)
	defer t.Stop()
	var seen time.Time // the WAL's modification time at the last checkpoint
	last := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		fi, err := os.Stat(c.walPath)
		if err != nil {
			continue
		}
		c.mu.Lock()
		c.stats.WALFileBytes = fi.Size()
		c.mu.Unlock()
		written := !fi.ModTime().Equal(seen)
		if !(fi.Size() > checkpointWALBytes || written && time.Since(last) >= checkpointInterval) {
			continue
		}
		seen, last = fi.ModTime(), time.Now()
		if c.checkpoint("PASSIVE") > checkpointRestartFrames {
			c.checkpoint("RESTART")
		}
	}
}

// checkpoint runs PRAGMA wal_checkpoint(mode), records the outcome and
// returns the WAL's size in frames (-1 on error).
func (c *checkpointer) checkpoint(mode string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var busy, logFrames, copied int
	err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logFrames, &copied)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.stats.Errors++
		return -1
	}
	c.stats.MaxFrames = max(c.stats.MaxFrames, logFrames)
	if mode == "RESTART" {
		c.stats.Restart++
	} else {
		c.stats.Passive++
	}
	if busy == 0 && logFrames == copied {
		c.stats.Complete++
	}
	return logFrames
}

// close stops the goroutine and truncates the WAL. Safe to call twice.
func (c *checkpointer) close() {
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	})
}

// CheckpointStats reports the background checkpointer's counters (zero on
// PostgreSQL).
func (s *Store) CheckpointStats() CheckpointStats {
	if s.ckpt == nil {
		return CheckpointStats{}
	}
	s.ckpt.mu.Lock()
	defer s.ckpt.mu.Unlock()
	return s.ckpt.stats
}
