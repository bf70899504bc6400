package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// SQLite's write transactions are combined: the transactions waiting for
// the writer when it comes free run one after the other inside one
// SQLite transaction, each in a savepoint of its own, and commit
// together.
//
// SQLite takes one writer at a time, so under load the writer was the
// limit: each transaction paid its own BEGIN and COMMIT (the commit
// writes every page it changed to the WAL, and the pages the hot tables'
// last rows and indexes live on were written again by the next one), and
// between two transactions the writer sat idle until the next waiting
// goroutine was scheduled. A batch writes each changed page once and
// runs its transactions back to back.
//
// A transaction that fails is rolled back to its savepoint, alone; the
// others commit. Each one's caller gets its own result when the batch
// has committed, so a caller still sees its writes durable (as durable
// as synchronous=NORMAL makes them) when its call returns. The caller
// whose transaction starts a batch runs it; when it is done, the first
// transaction still waiting leads the next, so no caller runs other
// callers' batches for long. A single write statement outside a
// transaction joins a batch too (runner.exec).
//
// With one leader at a time, the batches are also the process's queue
// for SQLite's one write lock. A writer that finds that lock taken
// sleeps in SQLite's busy handler (1 ms, rising to 100 ms) however soon
// the lock is free, so concurrent writers used to spend most of their
// time asleep; queued in Go, each batch starts the moment the last one
// ends. Writers of other processes (the command line tools) still meet
// busy_timeout.
//
// PostgreSQL runs transactions side by side and has no batches.

// maxBatch bounds the transactions committed together: a batch's first
// caller waits for the whole batch.
const maxBatch = 16

// writeWait bounds a caller's wait for its batch, as busy_timeout bounds
// a wait for SQLite's lock.
const writeWait = 10 * time.Second

// errBatchAborted is the result of a transaction that did nothing wrong
// but whose batch had to be rolled back whole (another transaction of it
// left the SQLite transaction unusable). inTx runs it again.
var errBatchAborted = errors.New("sqlstore: the write batch was rolled back; try again")

type txBatches struct {
	mu      sync.Mutex
	first   []*txReq // transactions a customer waits on (inFront), in their order
	waiting []*txReq // the others, in their order
	busy    bool     // a leader is running a batch
	ran     int64    // batches run, for tests
}

type txReq struct {
	ctx  context.Context
	fn   func(r runner) error
	post []func() // fn's afterCommit functions
	err  error
	lead bool          // set before wake when this request leads the next batch
	head bool          // queued in first (inFront)
	wake chan struct{} // its result is in err, or it leads (lead)
}

// batchedTx runs fn as one transaction of a batch (SQLite).
func (s *Store) batchedTx(ctx context.Context, fn func(r runner) error) error {
	req := &txReq{ctx: ctx, fn: fn, wake: make(chan struct{}, 1), head: isInFront(ctx)}
	b := &s.batches
	b.mu.Lock()
	q := b.queueOf(req)
	*q = append(*q, req)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if !lead {
		if err := b.wait(ctx, req); err != nil {
			return err
		}
		if !req.lead {
			return req.err
		}
	}
	b.mu.Lock()
	batch := b.take()
	b.mu.Unlock()

	s.runBatch(batch)

	for _, r := range batch {
		if r != req {
			r.wake <- struct{}{}
		}
	}
	// The next leader is woken last: Go runs the goroutine readied last
	// first, so the writer does not sit idle behind the batch's callers.
	b.mu.Lock()
	b.ran++
	if next := b.next(); next != nil {
		next.lead = true
		next.wake <- struct{}{}
	} else {
		b.busy = false
	}
	b.mu.Unlock()
	return req.err
}

// wait waits until req has its result or leads the next batch. A caller
// gives up when ctx ends or after writeWait, but
// only while req has not been taken into a batch (then fn may be
// running, and its result will come). So a transaction that begins
// another inside itself, which waits behind its own batch, gets an error
// instead of waiting for ever.
func (b *txBatches) wait(ctx context.Context, req *txReq) error {
	t := time.NewTimer(writeWait)
	defer t.Stop()
	var err error
	select {
	case <-req.wake:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = fmt.Errorf("%w (waited %s)", errNoWriteTurn, writeWait)
	}
	b.mu.Lock()
	q := b.queueOf(req)
	i := slices.Index(*q, req)
	if i >= 0 && !req.lead {
		*q = slices.Delete(*q, i, i+1)
		b.mu.Unlock()
		return err
	}
	b.mu.Unlock()
	<-req.wake // taken into a batch, or made its leader
	return nil
}

// runBatch runs the requests in one SQLite transaction and sets each
// one's err.
func (s *Store) runBatch(batch []*txReq) {
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
	// The batch is no caller's own: it runs to the end whoever gives up
	// waiting, so that no caller's cancellation interrupts SQLite in the
	// middle of the others' work.
	ctx := context.Background()
	defer s.wcache().prepareLater(ctx) // once the writer's connection is free again
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	// abort ends a batch whose SQLite transaction is gone (an I/O error, a
	// full disk): nothing of it is stored, and the transactions that did
	// nothing wrong are run again (errBatchAborted).
	abort := func(err error) {
		_ = tx.Rollback()
		fail(fmt.Errorf("%w: %w", errBatchAborted, err))
	}
	r := runner{q: s.querier(tx), d: s.d, n: &s.queries, detach: true}
	alone := len(batch) == 1
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = err // given up before its turn: not run
			continue
		}
		if !alone {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT batched"); err != nil {
				abort(err)
				return
			}
		}
		r.post = &req.post
		req.err = runOne(req, r)
		if alone && req.err != nil {
			_ = tx.Rollback()
			return
		}
		if !alone {
			undo := []string{"RELEASE batched"}
			if req.err != nil {
				undo = []string{"ROLLBACK TO batched", "RELEASE batched"}
			}
			if err := execAll(ctx, tx, undo); err != nil {
				abort(err)
				return
			}
		}
	}
	if err := tx.Commit(); err != nil {
		fail(err)
		return
	}
	for _, req := range batch {
		if req.err == nil {
			for _, f := range req.post {
				f()
			}
		}
	}
}

// runOne runs one request's function; a panic in it is its error, so
// that the batch's other callers are still answered.
func runOne(req *txReq, r runner) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: write transaction panicked: %v", p)
		}
	}()
	return req.fn(r)
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
