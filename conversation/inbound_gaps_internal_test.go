package conversation

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// TestInboundGaps: ids the cursor passes unseen are looked for from below
// until they appear or inboundGapWait runs out; a turn's first read opens
// none.
func TestInboundGaps(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	evs := func(ids ...int64) []*parley.InboundEvent {
		out := make([]*parley.InboundEvent, len(ids))
		for i, id := range ids {
			out[i] = &parley.InboundEvent{ID: id}
		}
		return out
	}
	type read struct {
		after int64
		ids   []int64
		at    time.Duration
	}
	cases := []struct {
		name     string
		reads    []read
		wantFrom int64 // with the cursor at 20
		wantOpen int
	}{
		{"a turn's first read", []read{{0, []int64{3, 7, 9}, 0}}, 20, 0},
		{"contiguous", []read{{10, []int64{11, 12, 13}, 0}}, 20, 0},
		{"an id skipped", []read{{10, []int64{11, 13}, 0}}, 11, 1},
		{"held events below the cursor are no gap", []read{{10, []int64{4, 8, 11, 12}, 0}}, 20, 0},
		{"the skipped id appears", []read{{10, []int64{11, 13}, 0}, {13, []int64{12, 14}, time.Second}}, 20, 0},
		{"one of two still missing", []read{{10, []int64{11, 14}, 0}, {14, []int64{13, 15}, time.Second}}, 11, 1},
		{"given up", []read{{10, []int64{11, 13}, 0}, {13, []int64{14}, inboundGapWait + time.Second}}, 20, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newInboundGaps()
			for _, r := range tc.reads {
				g.saw(r.after, evs(r.ids...), t0.Add(r.at))
			}
			if got := g.from(20); got != tc.wantFrom || g.count() != tc.wantOpen {
				t.Errorf("from(20) = %d with %d open, want %d with %d", got, g.count(), tc.wantFrom, tc.wantOpen)
			}
		})
	}
}
