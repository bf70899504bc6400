package loadtest_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/loadtest"
)

// TestCheck proves the exactly-once check can fail: a run where every
// message went through once passes, and each way of losing or doubling a
// message or a reply fails it.
func TestCheck(t *testing.T) {
	const a, b = "bench 1.0.1", "bench 1.0.2"
	t0 := time.Now()
	// good is a run where both messages were acknowledged, shown once,
	// stored once and answered once.
	good := func(l *loadtest.Ledger) {
		for i, n := range []string{a, b} {
			l.Posting(n, i == 0, t0)
			l.Acked(n)
			l.Shown(n, "msg-"+n, t0.Add(time.Millisecond))
			l.Stored(n, "msg-"+n)
			l.Replying(n, t0.Add(2*time.Millisecond))
			l.ReplyAccepted(n)
			l.GraphSent(n, t0.Add(3*time.Millisecond))
		}
		l.Verified()
	}
	cases := []struct {
		name  string
		run   func(l *loadtest.Ledger)
		ok    bool
		count func(c loadtest.Check) int // the figure that must say what went wrong
	}{
		{"every message once", good, true, nil},
		{"a message shown again (offer, then assignment) is one message", func(l *loadtest.Ledger) {
			good(l)
			l.Shown(a, "msg-"+a, t0.Add(time.Second))
		}, true, nil},
		{"a message never acknowledged may be missing", func(l *loadtest.Ledger) {
			good(l)
			l.Posting("bench 1.0.3", false, t0)
		}, true, nil},
		{"other sends are counted, not judged", func(l *loadtest.Ledger) {
			good(l)
			l.GraphSent("", t0)
		}, true, nil},
		{"lost: acknowledged, never shown", func(l *loadtest.Ledger) {
			good(l)
			l.Posting("bench 1.0.3", false, t0)
			l.Acked("bench 1.0.3")
			l.Stored("bench 1.0.3", "msg-3")
		}, false, func(c loadtest.Check) int { return c.Lost }},
		{"duplicated: shown as two messages", func(l *loadtest.Ledger) {
			good(l)
			l.Shown(b, "msg-again", t0)
		}, false, func(c loadtest.Check) int { return c.Duplicated }},
		{"duplicated in the transcript", func(l *loadtest.Ledger) {
			good(l)
			l.Stored(b, "msg-again")
		}, false, func(c loadtest.Check) int { return c.DuplicatedInStore }},
		{"duplicated though never acknowledged", func(l *loadtest.Ledger) {
			good(l)
			l.Posting("bench 1.0.3", false, t0)
			l.Shown("bench 1.0.3", "x", t0)
			l.Shown("bench 1.0.3", "y", t0)
		}, false, func(c loadtest.Check) int { return c.Duplicated }},
		{"missing from the transcript", func(l *loadtest.Ledger) {
			l.Posting(a, true, t0)
			l.Acked(a)
			l.Shown(a, "msg", t0)
			l.Verified()
		}, false, func(c loadtest.Check) int { return c.MissingInStore }},
		{"reply accepted, never sent", func(l *loadtest.Ledger) {
			good(l)
			l.Replying("bench 1.0.9", t0)
			l.ReplyAccepted("bench 1.0.9")
		}, false, func(c loadtest.Check) int { return c.RepliesLost }},
		{"reply sent twice", func(l *loadtest.Ledger) {
			good(l)
			l.GraphSent(a, t0.Add(time.Second))
		}, false, func(c loadtest.Check) int { return c.RepliesDuplicated }},
		{"shown but never posted", func(l *loadtest.Ledger) {
			good(l)
			l.Shown("bench 1.0.7", "msg-7", t0)
		}, false, func(c loadtest.Check) int { return c.Strange }},
		{"stream fault", func(l *loadtest.Ledger) {
			good(l)
			l.StreamFault("event 7 after 9")
		}, false, func(c loadtest.Check) int { return c.Strange }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := loadtest.NewLedger()
			tc.run(l)
			c := l.Check()
			if c.OK != tc.ok {
				t.Fatalf("OK = %v, want %v: %+v", c.OK, tc.ok, c)
			}
			if tc.count != nil && tc.count(c) != 1 {
				t.Errorf("the failure is counted %d times, want 1: %+v", tc.count(c), c)
			}
			if !tc.ok && len(c.Problems) == 0 {
				t.Errorf("no problem named: %+v", c)
			}
		})
	}
}

// TestLatencies: messages that open a chat are measured apart from those
// in connected chats, and replies from their POST to the Graph API.
func TestLatencies(t *testing.T) {
	l := loadtest.NewLedger()
	t0 := time.Now()
	l.Posting("bench 1.0.1", true, t0)
	l.Shown("bench 1.0.1", "m1", t0.Add(300*time.Millisecond))
	for i, d := range []time.Duration{10, 20, 30, 40} {
		n := "bench 1.0." + string(rune('2'+i))
		l.Posting(n, false, t0)
		l.Shown(n, "m"+n, t0.Add(d*time.Millisecond))
		l.Replying(n, t0)
		l.GraphSent(n, t0.Add(2*d*time.Millisecond))
	}
	got := l.Latencies()
	if got.FirstMessage.Count != 1 || got.FirstMessage.Max != 300*time.Millisecond {
		t.Errorf("first message: %+v", got.FirstMessage)
	}
	if m := got.Message; m.Count != 4 || m.P50 != 20*time.Millisecond || m.P99 != 40*time.Millisecond || m.Max != 40*time.Millisecond {
		t.Errorf("message: %+v", m)
	}
	if r := got.Reply; r.Count != 4 || r.P50 != 40*time.Millisecond {
		t.Errorf("reply: %+v", r)
	}
}
