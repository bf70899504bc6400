package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestFrontWritesGoFirst: transactions marked inFront that arrive while
// the writer is busy run in the next batch ahead of those queued before
// them, at most maxFront of them a batch; the others keep their order.
func TestFrontWritesGoFirst(t *testing.T) {
	cases := []struct {
		name          string
		normal, front int
		want          []string // the order they ran in, batch by batch
	}{
		{"one front behind a full batch", maxBatch + 2, 1,
			append(append([]string{"f0"}, names("n", 0, maxBatch-1)...), names("n", maxBatch-1, maxBatch+2)...)},
		{"front only", 0, 3, names("f", 0, 3)},
		{"more front than a batch's share", maxBatch, maxFront + 2, slices.Concat(
			names("f", 0, maxFront), names("n", 0, maxBatch-maxFront), // a full batch: the share, then the others
			names("f", maxFront, maxFront+2), names("n", maxBatch-maxFront, maxBatch))},
		{"front fills a batch with room", 4, maxFront + 2, slices.Concat(names("f", 0, maxFront+2), names("n", 0, 4))},
		{"no front", 3, 0, names("n", 0, 3)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openSQLite(t)
			s.search.close() // nothing else writes
			var mu sync.Mutex
			var ran []string
			record := func(name string) func(r runner) error {
				return func(r runner) error {
					mu.Lock()
					ran = append(ran, name)
					mu.Unlock()
					return nil
				}
			}
			release, first := holdWriter(t, s)
			var wg sync.WaitGroup
			queue := func(name string, front bool, queued int) {
				c := ctx
				if front {
					c = inFront(ctx)
				}
				wg.Go(func() {
					if err := s.inTx(c, record(name)); err != nil {
						t.Errorf("%s: %v", name, err)
					}
				})
				waitFor(t, name+" to wait", func() bool {
					s.batches.mu.Lock()
					defer s.batches.mu.Unlock()
					return len(s.batches.waiting)+len(s.batches.first) == queued
				})
			}
			for i := range tc.normal {
				queue(fmt.Sprintf("n%d", i), false, i+1)
			}
			for i := range tc.front {
				queue(fmt.Sprintf("f%d", i), true, tc.normal+i+1)
			}
			close(release)
			wg.Wait()
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ran, tc.want) {
				t.Errorf("ran in the order %v, want %v", ran, tc.want)
			}
		})
	}
}

// names is prefix+i for i in [from, to).
func names(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}
