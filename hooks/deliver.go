package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

const (
	leaseFor    = time.Minute // a node's hold on a subscription; renewed each pass
	drainFor    = 30 * time.Second
	batch       = 100
	maxParallel = 8 // subscriptions delivered at once by one node
	maxErrorLen = 300
)

// Payload is the JSON body of every delivery.
type Payload struct {
	EventID   int64           `json:"event_id"`
	Type      string          `json:"type"`
	TenantID  string          `json:"tenant_id"`
	ChatID    string          `json:"chat_id,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// Run delivers until ctx ends: on every tick or Wake it leases the due
// subscriptions and drains each in its own goroutine.
func (s *Service) Run(ctx context.Context) {
	s.clients = [2]*http.Client{newClient(s.timeout(), false), newClient(s.timeout(), true)}
	t := time.NewTicker(s.tick())
	defer t.Stop()
	var mu sync.Mutex
	running := map[string]bool{}
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		// A subscription being drained when the lease below reads it comes
		// back with the cursor of that moment; were its drain to finish
		// before the loop reaches it, a new drain from that stale cursor
		// would deliver its last events again. So only subscriptions idle
		// before the read are started.
		mu.Lock()
		wasRunning := maps.Clone(running)
		mu.Unlock()
		now := s.Clock.Now()
		subs, err := s.Store.LeaseDueHooks(ctx, s.Node, now, now.Add(leaseFor), maxParallel*4)
		if err != nil && ctx.Err() == nil {
			s.Logger.Warn("webhooks: lease due subscriptions", slog.Any("err", err))
		}
		for _, h := range subs {
			if wasRunning[h.ID] {
				continue
			}
			mu.Lock()
			busy := running[h.ID]
			running[h.ID] = true
			mu.Unlock()
			if busy {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				s.drain(ctx, h)
				<-sem
				// Release with a context of its own: at shutdown the lease
				// should still end, so another node takes over at once.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				if err := s.Store.ReleaseHook(rctx, h.ID, s.Node); err != nil {
					s.Logger.Warn("webhooks: release", slog.String("webhook", h.Name), slog.Any("err", err))
				}
				cancel()
				mu.Lock()
				delete(running, h.ID)
				mu.Unlock()
				s.Wake() // it may have more
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// drain delivers h's events after its cursor until none are left, an
// attempt fails (the next one waits for NextAttemptAt), another node took
// the lease, or drainFor has passed.
func (s *Service) drain(ctx context.Context, h *parley.HookSubscription) {
	until := s.Clock.Now().Add(drainFor)
	for ctx.Err() == nil && s.Clock.Now().Before(until) {
		evs, err := s.Store.EventsAfter(ctx, h.TenantID, h.Cursor, batch)
		if err != nil {
			s.Logger.Warn("webhooks: read events", slog.String("webhook", h.Name), slog.Any("err", err))
			return
		}
		if len(evs) == 0 {
			return
		}
		skipped := false
		for _, e := range evs {
			name := e.Hook
			if name == "" || !h.Wants(name) {
				h.Cursor, skipped = e.ID, true
				continue
			}
			d := s.attempt(ctx, h, e, name)
			if ctx.Err() != nil {
				return // shutting down: the attempt's outcome is unknown; it is made again
			}
			now := s.Clock.Now()
			if d.Delivered() {
				h.Cursor, h.Failures, h.NextAttemptAt, h.LastError, h.LastSuccessAt = e.ID, 0, time.Time{}, "", now
			} else {
				h.Failures++
				h.NextAttemptAt = now.Add(s.backoff(h.Failures))
				h.LastError = d.Error
				if h.LastError == "" {
					h.LastError = "HTTP " + strconv.Itoa(d.StatusCode)
				}
			}
			held, err := s.Store.AdvanceHook(ctx, s.Node, h, d)
			if err != nil {
				s.Logger.Warn("webhooks: record delivery", slog.String("webhook", h.Name), slog.Any("err", err))
				return
			}
			if !held || !d.Delivered() {
				return
			}
			skipped = false
		}
		if skipped {
			if held, err := s.Store.AdvanceHook(ctx, s.Node, h, nil); err != nil || !held {
				return
			}
		}
	}
}

// backoff is the wait before attempt n+1 after n failures: 1 s doubling,
// capped at MaxBackoff.
func (s *Service) backoff(failures int) time.Duration {
	d := time.Second
	for i := 1; i < failures && d < s.maxBackoff(); i++ {
		d *= 2
	}
	return min(d, s.maxBackoff())
}

// attempt POSTs one event and describes what happened.
func (s *Service) attempt(ctx context.Context, h *parley.HookSubscription, e *parley.Event, name string) *parley.HookDelivery {
	d := &parley.HookDelivery{TenantID: h.TenantID, SubscriptionID: h.ID, EventID: e.ID, EventType: name, ChatID: e.ChatID, Attempt: h.Failures + 1}
	data := e.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	body, err := json.Marshal(Payload{EventID: e.ID, Type: name, TenantID: e.TenantID, ChatID: e.ChatID, CreatedAt: e.CreatedAt.UTC(), Data: data})
	if err != nil {
		d.Error = fmt.Sprintf("encode event %d: %v", e.ID, err)
		return d
	}
	start := time.Now()
	d.CreatedAt = s.Clock.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhooks/1")
	req.Header.Set("X-Parley-Event", name)
	// The same for every attempt at this event: the receiver's
	// idempotency key, since delivery is at least once.
	req.Header.Set("X-Parley-Delivery", h.ID+":"+strconv.FormatInt(e.ID, 10))
	req.Header.Set(SignatureHeader, Sign(h.Secret, s.Clock.Now(), body))
	client := s.clients[0]
	if h.AllowPrivate {
		client = s.clients[1]
	}
	resp, err := client.Do(req)
	d.Duration = time.Since(start)
	if err != nil {
		d.Error = truncate(err.Error())
		return d
	}
	defer resp.Body.Close()
	d.StatusCode = resp.StatusCode
	if !d.Delivered() {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorLen))
		d.Error = truncate(fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(snippet)))
	} else {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	return d
}

func truncate(s string) string {
	if len(s) > maxErrorLen {
		return s[:maxErrorLen] + "…"
	}
	return s
}
