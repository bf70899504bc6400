package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWriteBatches: SQLite transactions that wait while the writer is
// busy run as one batch, and each keeps its own outcome: a failing or
// panicking one is rolled back alone, one whose caller gave up before its
// turn never runs, the rest commit; what they asked to run after the
// commit runs for the committed ones only.
func TestWriteBatches(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	var mu sync.Mutex
	var afterCommit []string // ids whose afterCommit function ran
	insert := func(id string) func(r runner) error {
		return func(r runner) error {
			r.afterCommit(func() {
				mu.Lock()
				defer mu.Unlock()
				afterCommit = append(afterCommit, id)
			})
			_, err := r.exec(ctx, "INSERT INTO tenants (id, created_at) VALUES (?, 0)", id)
			return err
		}
	}
	errRefused := errors.New("refused")
	cases := []struct {
		name    string
		fn      func(r runner) error
		cancel  bool   // the caller gives up while waiting
		wantErr string // "" for committed
	}{
		{"commits", insert("ok-1"), false, ""},
		{"fails after writing", func(r runner) error {
			if err := insert("failed")(r); err != nil {
				return err
			}
			return errRefused
		}, false, "refused"},
		{"commits after a failure", insert("ok-2"), false, ""},
		{"panics after writing", func(r runner) error {
			if err := insert("panicked")(r); err != nil {
				return err
			}
			panic("boom")
		}, false, "panicked: boom"},
		{"breaks a constraint", insert("ok-1"), false, "UNIQUE"},
		{"gives up waiting", insert("cancelled"), true, "context canceled"},
		{"commits last", insert("ok-3"), false, ""},
	}

	// The first transaction holds the writer until every other one waits.
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.inTx(ctx, func(r runner) error {
			<-release
			return insert("first")(r)
		})
	}()
	waitFor(t, "the first transaction to hold the writer", func() bool {
		s.batches.mu.Lock()
		defer s.batches.mu.Unlock()
		return s.batches.busy && len(s.batches.waiting) == 0
	})
	results := make([]error, len(cases))
	var wg sync.WaitGroup
	queued := 0
	for i, c := range cases {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.inTx(cctx, c.fn)
		}()
		queued++
		waitFor(t, c.name+" to wait", func() bool {
			s.batches.mu.Lock()
			defer s.batches.mu.Unlock()
			return len(s.batches.waiting) == queued
		})
		if c.cancel {
			cancel() // it leaves the queue at once
			queued--
			waitFor(t, c.name+" to leave the queue", func() bool {
				s.batches.mu.Lock()
				defer s.batches.mu.Unlock()
				return len(s.batches.waiting) == queued
			})
		}
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	for i, c := range cases {
		err := results[i]
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v, want committed", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.wantErr)
		}
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM tenants ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var stored []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, id)
	}
	if got, want := fmt.Sprint(stored), "[first ok-1 ok-2 ok-3]"; got != want {
		t.Errorf("stored tenants %s, want %s", got, want)
	}
	slices.Sort(afterCommit)
	if got, want := fmt.Sprint(afterCommit), "[first ok-1 ok-2 ok-3]"; got != want {
		t.Errorf("afterCommit ran for %s, want the committed ones only, %s", got, want)
	}
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	if s.batches.ran != 2 {
		t.Errorf("%d batches ran, want 2: the first transaction, then the %d that waited for it", s.batches.ran, len(cases))
	}
}

// TestWriteInsideWrite: a transaction that begins another inside itself
// waits behind its own batch; the inner one gives up (here at its
// context's deadline, else after writeWait) instead of
// holding every write for ever, and the outer one still commits.
func TestWriteInsideWrite(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	var inner error
	err := s.inTx(ctx, func(r runner) error {
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		inner = s.inTx(short, func(r runner) error { return nil })
		_, err := r.exec(ctx, "INSERT INTO tenants (id, created_at) VALUES ('outer', 0)")
		return err
	})
	if err != nil {
		t.Fatalf("outer transaction: %v", err)
	}
	if !errors.Is(inner, context.DeadlineExceeded) {
		t.Errorf("inner transaction: %v, want the deadline's error", inner)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenants WHERE id = 'outer'").Scan(&n); err != nil || n != 1 {
		t.Errorf("outer row stored %d times (%v), want once", n, err)
	}
	if err := s.inTx(ctx, func(r runner) error { return nil }); err != nil {
		t.Errorf("a transaction after them: %v", err)
	}
}

// TestSingleWritesJoinBatches: a statement that writes outside a
// transaction waits for the writer as a transaction of a batch, so the
// statements that wait together commit together, and each still gets
// its own result (here one fails alone).
func TestSingleWritesJoinBatches(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	s.search.close() // nothing else writes
	release, first := holdWriter(t, s)
	ids := []string{"a", "b", "c", "a", "d"} // the second "a" breaks the key
	results := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = s.r().exec(ctx, "INSERT INTO tenants (id, created_at) VALUES (?, 0)", id)
		}()
		waitFor(t, "the statement to wait for the writer", func() bool {
			s.batches.mu.Lock()
			defer s.batches.mu.Unlock()
			return len(s.batches.waiting) == i+1
		})
	}
	s.batches.mu.Lock()
	ran := s.batches.ran
	s.batches.mu.Unlock()
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range results {
		if failed := err != nil; failed != (i == 3) {
			t.Errorf("statement %d (%s): %v", i, ids[i], err)
		}
	}
	s.batches.mu.Lock()
	batches := s.batches.ran - ran
	s.batches.mu.Unlock()
	if batches != 2 {
		t.Errorf("%d batches ran, want 2: the first transaction's and one for the five statements", batches)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenants WHERE id IN ('a', 'b', 'c', 'd')").Scan(&n); err != nil || n != 4 {
		t.Errorf("%d rows stored (%v), want 4", n, err)
	}
}

// waitFor polls cond until it holds (the test's deadline bounds it).
// holdWriter starts a transaction that holds s's writer until release
// is closed; first has its outcome.
func holdWriter(t *testing.T, s *Store) (release chan struct{}, first <-chan error) {
	t.Helper()
	release = make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.inTx(context.Background(), func(r runner) error {
			<-release
			return nil
		})
	}()
	waitFor(t, "the first transaction to hold the writer", func() bool {
		s.batches.mu.Lock()
		defer s.batches.mu.Unlock()
		return s.batches.busy && len(s.batches.waiting) == 0
	})
	return release, done
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if d, ok := t.Deadline(); ok && time.Until(d) < time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
