package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// writeGate lets one of this process's SQLite write batches in at a time,
// in Go: write transactions and single write statements run in batches
// (txbatch.go); a statement that writes and returns rows waits for the
// writer's one connection instead. SQLite itself admits one writer; a writer that finds the lock taken
// sleeps in SQLite's busy handler (1 ms, rising to 100 ms) however soon
// the lock is free, so concurrent writers spent most of their time
// asleep. Queued here, each write starts the moment the last one ends.
// Writers of other processes (the command line tools) still meet
// busy_timeout. PostgreSQL has no gate (nil).
type writeGate chan struct{}

// gateWait bounds the wait at the gate like busy_timeout bounds SQLite's.
const gateWait = 10 * time.Second

func newWriteGate(d *dialect) writeGate {
	if d.pg() {
		return nil
	}
	return make(writeGate, 1)
}

// enter waits for the gate; leave must follow.
func (g writeGate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("%w (waited %s)", errNoWriteTurn, gateWait)
	}
}

func (g writeGate) leave() {
	if g != nil {
		<-g
	}
}
