package conversation

import (
	"testing"

	"github.com/parleycc/parley"
)

// TestInboundLanesReadRacesFinish: a read of the log that began while an
// event was being handled may have seen it pending before its processed
// mark; once handled it is no longer held, and queueing it again would
// handle it twice (after its chat ended: a new chat). The lanes refuse it
// until the read is over, and only then.
func TestInboundLanesReadRacesFinish(t *testing.T) {
	cases := []struct {
		name     string
		handled  bool // what handle reports
		inRead   bool // the event finishes during a read
		wantTake bool // queued again by that read
	}{
		{"handled during the read", true, true, false},
		{"handled before the read", true, false, true},       // the read cannot have seen it pending
		{"left pending during the read", false, true, false}, // its lane cools until warm
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			l := newInboundLanes(2, func(*inboundJob) bool { <-release; return tc.handled })
			job := func() *inboundJob { return &inboundJob{ev: &parley.InboundEvent{ID: 7}} }
			if !l.add(job()) {
				t.Fatal("a new event refused")
			}
			done := func() {}
			if tc.inRead {
				done = l.reading()
			}
			close(release)
			for l.size() > 0 {
				<-l.done
			}
			if !tc.inRead {
				done = l.reading()
			}
			if got := l.add(job()); got != tc.wantTake {
				t.Fatalf("queued again = %v, want %v", got, tc.wantTake)
			}
			done()
			l.wait()
		})
	}
}
