package conversation

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// interruptedStore counts FailInterrupted calls and claims nothing.
type interruptedStore struct {
	outboxStore
	mu      sync.Mutex
	looks   []time.Time // claimedBefore of each call
	claimed int
}

func (s *interruptedStore) FailInterrupted(_ context.Context, claimedBefore time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.looks = append(s.looks, claimedBefore)
	return 0, nil
}

func (s *interruptedStore) ClaimOutbound(context.Context, time.Time, int) ([]*parley.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claimed++
	return nil, nil
}

// TestOutboxLooksForInterruptedSendsNowAndThen: the outbox runs whenever
// a reply is stored (hundreds of times a second under load); it claims
// due messages every time, but looks for claims left by stopped nodes
// (at least ClaimLease old) only once per interruptedEvery of its clock,
// and always on its first run.
func TestOutboxLooksForInterruptedSendsNowAndThen(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st := &interruptedStore{}
	o := &Outbox{store: st, clock: clock, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	runs := []struct {
		advance time.Duration
		looks   int
	}{
		{0, 1}, // the first run looks
		{0, 1},
		{time.Second, 1},
		{interruptedEvery - time.Second - time.Millisecond, 1},
		{time.Millisecond, 2}, // interruptedEvery after the first look
		{ClaimLease, 3},
		{0, 3},
	}
	for i, r := range runs {
		clock.Advance(r.advance)
		if err := o.deliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		st.mu.Lock()
		looks, claimed, last := len(st.looks), st.claimed, st.looks[len(st.looks)-1]
		st.mu.Unlock()
		if looks != r.looks {
			t.Errorf("run %d: %d looks for interrupted sends, want %d", i, looks, r.looks)
		}
		if claimed != i+1 {
			t.Errorf("run %d: claimed %d times, want %d (every run)", i, claimed, i+1)
		}
		if want := clock.Now().Add(-ClaimLease); r.looks == looks && i > 0 && runs[i-1].looks != looks && !last.Equal(want) {
			t.Errorf("run %d looked for claims before %v, want before %v", i, last, want)
		}
	}
}
