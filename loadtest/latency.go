package loadtest

import (
	"encoding/json"
	"slices"
	"time"
)

// Latency summarises one kind of delay over a run.
type Latency struct {
	Count int           `json:"count"`
	P50   time.Duration `json:"-"`
	P90   time.Duration `json:"-"`
	P99   time.Duration `json:"-"`
	Max   time.Duration `json:"-"`
}

// MarshalJSON writes the figures in milliseconds, as people read them.
func (l Latency) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return json.Marshal(struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50_ms"`
		P90   float64 `json:"p90_ms"`
		P99   float64 `json:"p99_ms"`
		Max   float64 `json:"max_ms"`
	}{l.Count, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max)})
}

// summarize returns the percentiles of ds (nearest rank); ds is sorted.
func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.999999) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return Latency{Count: len(ds), P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), Max: ds[len(ds)-1]}
}

// Latencies are a run's delays, measured end to end.
type Latencies struct {
	// FirstMessage: webhook POST start → the first event showing the
	// message in an agent's browser, for messages that open a chat (they
	// wait for routing: an offer, or the assignment with auto-accept).
	FirstMessage Latency `json:"first_message"`
	// Message: the same for messages in chats already connected.
	Message Latency `json:"message"`
	// Reply: agent reply POST start → the fake Graph API receiving it.
	Reply Latency `json:"reply"`
}

// Latencies measures the delays recorded so far.
func (l *Ledger) Latencies() Latencies {
	l.mu.Lock()
	var first, rest, replies []time.Duration
	for _, m := range l.in {
		if m.seenIDs == nil {
			continue
		}
		if m.first {
			first = append(first, m.seen.Sub(m.start))
		} else {
			rest = append(rest, m.seen.Sub(m.start))
		}
	}
	for _, r := range l.replies {
		if len(r.arrivals) > 0 {
			replies = append(replies, r.arrivals[0].Sub(r.start))
		}
	}
	l.mu.Unlock()
	return Latencies{FirstMessage: summarize(first), Message: summarize(rest), Reply: summarize(replies)}
}

// deliveryRate is how many messages of connected chats reached agents per
// second, from the first of them written to the last shown: the server's
// processing, which falls behind its ingest when a backlog grows.
func (l *Ledger) deliveryRate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first, last time.Time
	n := 0
	for _, m := range l.in {
		if m.first || m.seenIDs == nil {
			continue
		}
		n++
		if first.IsZero() || m.start.Before(first) {
			first = m.start
		}
		if m.seen.After(last) {
			last = m.seen
		}
	}
	if n == 0 || !last.After(first) {
		return 0
	}
	return float64(n) / last.Sub(first).Seconds()
}
