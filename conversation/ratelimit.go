package conversation

import (
	"context"
	"sync"
	"time"
)

// Send API pacing per page. Meta allows a few hundred calls per second per
// page; staying well under it avoids 613 errors, and a 613 pauses the page
// for the time the platform asked.
const (
	DefaultSendRate  = 100 // calls per second per page
	DefaultSendBurst = 20
)

// rateLimiter is a token bucket per key (an account id).
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time // the clock; time.Now, or a test's

	mu      sync.Mutex
	buckets map[string]*bucket
	pruneAt int // forget full buckets when there are this many
}

// minPrune is the bucket count below which nothing is forgotten.
const minPrune = 1024

type bucket struct {
	tokens float64
	last   time.Time
	paused time.Time // no calls before this
}

func newRateLimiter(rate, burst int) *rateLimiter {
	if rate <= 0 {
		rate = DefaultSendRate
	}
	if burst <= 0 {
		burst = DefaultSendBurst
	}
	return &rateLimiter{rate: float64(rate), burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}, pruneAt: minPrune}
}

// wait blocks until key may make one call or ctx ends.
func (l *rateLimiter) wait(ctx context.Context, key string) error {
	for {
		d := l.reserve(key, l.now())
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// reserve takes a token if one is available and returns 0, or returns how
// long to wait before trying again.
func (l *rateLimiter) reserve(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.pruneAt {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if now.Before(b.paused) {
		return b.paused.Sub(now)
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// pause stops calls for key for d (the platform said it is rate limited).
func (l *rateLimiter) pause(key string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: 0, last: now}
		l.buckets[key] = b
	}
	if until := now.Add(d); until.After(b.paused) {
		b.paused = until
	}
}

// prune forgets the buckets that have refilled and are not paused: a new
// bucket starts full, so forgetting them changes nothing. Keys per chat
// would otherwise grow without end.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if !now.Before(b.paused) && b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	l.pruneAt = max(minPrune, 2*len(l.buckets))
}
