package loadtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// webhookAttempts is how often a customer's message is posted before the
// harness gives up on it (Facebook retries for hours; a run cannot).
const webhookAttempts = 5

// customers plays the people writing to the page: each writes its first
// message and waits until an agent holds the chat (as a person waits for
// an answer), then keeps writing; every message is a signed webhook,
// posted again until acknowledged. Together they write at the pace tokens
// allow.
type customers struct {
	run       string
	url       string // the server's /webhooks/facebook
	tenant    Tenant
	client    *http.Client
	ledger    *Ledger
	log       *slog.Logger
	connected []chan struct{} // closed when the customer's chat is assigned
	once      []sync.Once

	posts    atomic.Int64 // webhook POSTs, retries included
	failures atomic.Int64 // POSTs not answered 2xx
	messages atomic.Int64 // messages written
	acked    atomic.Int64
	givenUp  atomic.Int64 // messages never acknowledged
}

func newCustomers(run, url string, t Tenant, n int, client *http.Client, l *Ledger, log *slog.Logger) *customers {
	c := &customers{run: run, url: url, tenant: t, client: client, ledger: l, log: log,
		connected: make([]chan struct{}, n), once: make([]sync.Once, n)}
	for i := range c.connected {
		c.connected[i] = make(chan struct{})
	}
	return c
}

// markConnected tells customer i that an agent holds its chat.
func (c *customers) markConnected(i int) {
	if i < 0 || i >= len(c.connected) {
		return
	}
	c.once[i].Do(func() { close(c.connected[i]) })
}

// connectedCount is how many customers' chats an agent holds.
func (c *customers) connectedCount() int {
	n := 0
	for _, ch := range c.connected {
		select {
		case <-ch:
			n++
		default:
		}
	}
	return n
}

// open is customer i writing its first message, which opens its chat,
// when tokens allow.
func (c *customers) open(ctx context.Context, i int, tokens <-chan struct{}) {
	if take(ctx, tokens) {
		c.send(ctx, i, 1)
	}
}

// talk is customer i, whose chat an agent holds, writing messages 2, 3, …
// until tokens is closed or ctx ends. A customer still waiting for an
// agent writes nothing more.
func (c *customers) talk(ctx context.Context, i int, tokens <-chan struct{}) {
	select {
	case <-c.connected[i]:
	default:
		return
	}
	for n := 2; take(ctx, tokens); n++ {
		c.send(ctx, i, n)
	}
}

// take waits for a token; false when there will be none.
func take(ctx context.Context, tokens <-chan struct{}) bool {
	select {
	case _, ok := <-tokens:
		return ok
	case <-ctx.Done():
		return false
	}
}

// send writes customer i's n-th message.
func (c *customers) send(ctx context.Context, i, n int) {
	text := messageText(c.run, i, n)
	nonce, _ := nonceOf(c.run, text)
	mid := fmt.Sprintf("m_bench_%s_%d_%d", c.run, i, n)
	c.messages.Add(1)
	c.post(ctx, nonce, n == 1, fakegraph.TextEvent(c.tenant.CustomerPage(i), psid(c.run, i), mid, text, time.Now()))
}

// post delivers one message's webhook, as the platform does: the same
// body again after a failure, until acknowledged.
func (c *customers) post(ctx context.Context, nonce string, first bool, body []byte) {
	c.ledger.Posting(nonce, first, time.Now())
	backoff := 100 * time.Millisecond
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		c.posts.Add(1)
		resp, err := fakegraph.PostSigned(ctx, c.client, c.url, body, c.tenant.AppSecret)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				c.acked.Add(1)
				c.ledger.Acked(nonce)
				return
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		c.failures.Add(1)
		if ctx.Err() != nil {
			break
		}
		c.log.Debug("webhook not acknowledged; posting again", slog.String("nonce", nonce), slog.Any("err", err))
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	c.givenUp.Add(1)
}

// pace issues tokens at rate per second for d (0: no limit), or until
// limit tokens (0: no limit), then closes tokens. A pacer that fell behind (every
// customer busy) catches up for at most a second's worth, so a stall is
// not followed by an unbounded burst.
func pace(ctx context.Context, tokens chan<- struct{}, rate float64, d time.Duration, limit int) {
	defer close(tokens)
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	next := start
	for i := 0; limit == 0 || i < limit; i++ {
		now := time.Now()
		if d > 0 && now.Sub(start) >= d {
			return
		}
		if lag := now.Sub(next); lag > time.Second {
			next = now.Add(-time.Second)
		}
		if wait := next.Sub(now); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		select {
		case <-ctx.Done():
			return
		case tokens <- struct{}{}:
		}
		next = next.Add(interval)
	}
}
