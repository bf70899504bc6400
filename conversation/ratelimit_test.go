package conversation

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/messenger"
)

// TestRateLimiter drives the per-page token bucket with an injected clock.
// Each step advances the clock, then asks for one call on a page; want is
// the wait reserve returns (0: the call may go now).
func TestRateLimiter(t *testing.T) {
	type step struct {
		advance time.Duration
		page    string
		pause   time.Duration // when set, pause page for this long instead of reserving
		want    time.Duration
	}
	const rate, burst = 10, 3 // one token per 100ms, three at once
	tests := []struct {
		name  string
		steps []step
	}{
		{"burst then wait", []step{
			{page: "A"}, {page: "A"}, {page: "A"},
			{page: "A", want: 100 * time.Millisecond},
		}},
		{"refill one token", []step{
			{page: "A"}, {page: "A"}, {page: "A"},
			{advance: 50 * time.Millisecond, page: "A", want: 50 * time.Millisecond},
			{advance: 50 * time.Millisecond, page: "A"},
			{page: "A", want: 100 * time.Millisecond},
		}},
		{"refill caps at burst", []step{
			{page: "A"}, {page: "A"}, {page: "A"},
			{advance: time.Hour, page: "A"}, {page: "A"}, {page: "A"},
			{page: "A", want: 100 * time.Millisecond},
		}},
		{"pages are isolated", []step{
			{page: "A"}, {page: "A"}, {page: "A"},
			{page: "A", want: 100 * time.Millisecond},
			{page: "B"}, {page: "B"}, {page: "B"},
			{page: "B", want: 100 * time.Millisecond},
			{page: "C"},
		}},
		{"pause blocks only its page", []step{
			{page: "A", pause: 2 * time.Second},
			{page: "A", want: 2 * time.Second},
			{page: "B"},
			{advance: time.Second, page: "A", want: time.Second},
			{advance: time.Second, page: "A"},
		}},
		{"shorter pause keeps the longer one", []step{
			{page: "A", pause: 2 * time.Second},
			{page: "A", pause: time.Second},
			{page: "A", want: 2 * time.Second},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			l := newRateLimiter(rate, burst)
			l.now = clock.Now
			for i, s := range tc.steps {
				clock.Advance(s.advance)
				if s.pause > 0 {
					l.pause(s.page, s.pause)
					continue
				}
				got := l.reserve(s.page, clock.Now())
				if diff := got - s.want; diff < -time.Microsecond || diff > time.Microsecond {
					t.Fatalf("step %d (page %s): wait %v, want %v", i, s.page, got, s.want)
				}
			}
		})
	}
}

// TestRateLimiterWait checks wait returns at once with a token, blocks
// without one, and gives up when its context ends.
func TestRateLimiterWait(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newRateLimiter(1, 1) // the frozen clock never refills
	l.now = clock.Now
	ctx := context.Background()
	if err := l.wait(ctx, "A"); err != nil {
		t.Fatalf("first call: %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- l.wait(cctx, "A") }()
	select {
	case err := <-errc:
		t.Fatalf("wait without a token returned %v, want it to block", err)
	case <-time.After(50 * time.Millisecond):
	}
	// Another page is not held up.
	if err := l.wait(ctx, "B"); err != nil {
		t.Fatalf("page B: %v", err)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled wait = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait ignored its cancelled context")
	}

	// A deadline shorter than the pause ends the wait too.
	l.pause("C", time.Hour)
	dctx, dcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer dcancel()
	if err := l.wait(dctx, "C"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait on a paused page = %v, want context.DeadlineExceeded", err)
	}

	// Once the clock passes the refill time, wait returns.
	clock.Advance(time.Second)
	if err := l.wait(ctx, "A"); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

// TestRateLimiterPrune: with many keys (one per chat) the buckets that
// have refilled are forgotten, a bucket still spent or paused is kept.
func TestRateLimiterPrune(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newRateLimiter(1, 2)
	l.now = clock.Now
	l.reserve("spent", clock.Now())
	l.reserve("spent", clock.Now())
	l.pause("paused", time.Hour)
	for i := range minPrune - 2 { // just short of a prune
		l.reserve(fmt.Sprint("chat-", i), clock.Now())
	}
	clock.Advance(time.Second) // "spent" has one token of two back; the chats are full again
	l.reserve("spent", clock.Now())
	l.reserve("one more", clock.Now()) // over minPrune: prunes
	if _, ok := l.buckets["chat-0"]; ok || len(l.buckets) != 3 {
		t.Fatalf("after pruning %d buckets are left, want spent, paused and the new one", len(l.buckets))
	}
	if got := l.reserve("spent", clock.Now()); got != time.Second {
		t.Fatalf("the spent bucket forgot its state: wait %v, want 1s", got)
	}
	if got := l.reserve("paused", clock.Now()); got <= 0 {
		t.Fatal("the paused bucket was forgotten")
	}
}

// pacedChannel is a channel whose platform limits each chat's rate.
type pacedChannel struct{ parley.Channel }

func (pacedChannel) ChatPace() (int, int) { return 1, 2 }

// TestChatPace: a chat of a paced channel gets its burst, then waits; other
// chats and unpaced channels never wait.
func TestChatPace(t *testing.T) {
	o := &Outbox{}
	done, cancel := context.WithCancel(context.Background())
	cancel() // a wait gives up at once: what blocks shows as an error
	paced := pacedChannel{channeltest.New()}
	steps := []struct {
		ch      parley.Channel
		chat    string
		blocked bool
	}{
		{paced, "A", false}, {paced, "A", false}, {paced, "A", true},
		{paced, "B", false},
		{channeltest.New(), "A", false}, {channeltest.New(), "A", false}, {channeltest.New(), "A", false},
	}
	for i, s := range steps {
		err := o.chatPace(done, s.ch, "paced", s.chat)
		if blocked := err != nil; blocked != s.blocked {
			t.Fatalf("step %d (chat %s): blocked %v (%v), want %v", i, s.chat, blocked, err, s.blocked)
		}
	}
}

// accountPacedChannel is a channel whose platform names its rate per
// account.
type accountPacedChannel struct{ parley.Channel }

func (accountPacedChannel) AccountPace() (int, int) { return 500, 3 }

// TestAccountPace: an account of a channel that names its platform's rate
// is paced at it (its burst, then a wait), on a limiter of its own; other
// channels' accounts at the outbox's; a SendRate set paces every account
// at it.
func TestAccountPace(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel() // a wait gives up at once: what blocks shows as an error
	paced, plain := accountPacedChannel{channeltest.New()}, channeltest.New()
	cases := []struct {
		name   string
		fixed  bool
		ch     parley.Channel
		sends  int // before one blocks
		shared bool
	}{
		{"the platform's rate", false, paced, 3, false},
		{"no rate named", false, plain, DefaultSendBurst, true},
		{"SendRate set", true, paced, DefaultSendBurst, true},
	}
	for _, c := range cases {
		o := &Outbox{limiter: newRateLimiter(0, 0), fixed: c.fixed}
		l := o.accountLimiter(c.ch, "t")
		if shared := l == o.limiter; shared != c.shared {
			t.Errorf("%s: the outbox's own limiter = %v, want %v", c.name, shared, c.shared)
		}
		for i := range c.sends {
			if err := l.wait(done, "acct-1"); err != nil {
				t.Fatalf("%s: send %d waited", c.name, i)
			}
		}
		if err := l.wait(done, "acct-1"); err == nil {
			t.Errorf("%s: send %d went at once, past the burst", c.name, c.sends+1)
		}
		if o.accountLimiter(c.ch, "t") != l {
			t.Errorf("%s: a second send got another limiter", c.name)
		}
	}
}

// TestPlatformPaces: Messenger and LINE name their platforms' documented
// rates (Meta: 300 sends a second per page; LINE: 2,000 requests a
// second per channel) with a margin; Telegram paces chats instead.
func TestPlatformPaces(t *testing.T) {
	cases := []struct {
		ch          parley.Channel
		under, over int
	}{
		{messenger.New(nil), 100, 300},
		{line.New(nil), 1000, 2000},
	}
	for _, c := range cases {
		p, ok := c.ch.(parley.AccountPacer)
		if !ok {
			t.Errorf("%s names no account pace", c.ch.Type())
			continue
		}
		if rate, burst := p.AccountPace(); rate <= c.under || rate >= c.over || burst < 1 {
			t.Errorf("%s paces accounts at %d/s (burst %d), want between %d and %d", c.ch.Type(), rate, burst, c.under, c.over)
		}
	}
}
