package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// balancer is the load balancer of the fault suite: round robin over the
// nodes, and a node whose connection fails is skipped (the request goes to
// the next one), as a balancer with health checks does. Only requests no
// node received are retried, and webhooks, which the server deduplicates.
// With redeliver set it is also Facebook in a redelivery storm: every
// acknowledged webhook is posted again, later, after newer ones.
type balancer struct {
	srv       *httptest.Server
	transport *http.Transport
	backends  []string
	next      atomic.Uint64
	redeliver bool

	webhooks atomic.Int64 // webhook POSTs answered 200
	resent   atomic.Int64 // redelivered copies answered 200
	copies   sync.WaitGroup

	mu      sync.Mutex
	streams map[string]int // open event streams by node URL
}

func newBalancer(backends []string, redeliver bool) *balancer {
	b := &balancer{backends: backends, redeliver: redeliver, streams: map[string]int{},
		transport: &http.Transport{DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}}
	b.srv = httptest.NewServer(b)
	return b
}

func (b *balancer) URL() string { return b.srv.URL }

// Close stops the balancer once the redelivered copies are done.
func (b *balancer) Close() {
	b.copies.Wait()
	b.srv.CloseClientConnections()
	b.srv.Close()
	b.transport.CloseIdleConnections()
}

// streamsOn counts the open event streams by node URL.
func (b *balancer) streamsOn() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]int{}
	for k, v := range b.streams {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	webhook := r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/webhooks/")
	resp, node, err := b.forward(r.Context(), r.Method, r.URL.RequestURI(), r.Header, body, webhook)
	if err != nil {
		http.Error(w, "no node answered: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	if webhook && resp.StatusCode == http.StatusOK {
		b.webhooks.Add(1)
		if b.redeliver && r.Header.Get("X-Fault-Copy") == "" {
			b.redeliverLater(r.URL.RequestURI(), r.Header.Clone(), body)
		}
	}
	if r.URL.Path == "/api/events" && resp.StatusCode == http.StatusOK {
		b.mu.Lock()
		b.streams[node]++
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			b.streams[node]--
			b.mu.Unlock()
		}()
	}
	copyFlushing(w, resp.Body)
}

// forward sends the request to the nodes in turn until one answers; a
// node that could not be reached is skipped, and so is one that failed a
// webhook (resending it is safe).
func (b *balancer) forward(ctx context.Context, method, uri string, h http.Header, body []byte, retryAny bool) (*http.Response, string, error) {
	start := b.next.Add(1)
	var last error
	for i := range b.backends {
		node := b.backends[(int(start)+i)%len(b.backends)]
		req, err := http.NewRequestWithContext(ctx, method, node+uri, bytes.NewReader(body))
		if err != nil {
			return nil, "", err
		}
		req.Header = h.Clone()
		req.Header.Del("Connection")
		resp, err := b.transport.RoundTrip(req)
		if err == nil {
			return resp, node, nil
		}
		last = err
		var op *net.OpError
		if ctx.Err() != nil || !(retryAny || errors.As(err, &op) && op.Op == "dial") {
			break
		}
	}
	return nil, "", last
}

// redeliverLater posts a copy of an acknowledged webhook again after a
// random delay of up to 2 s, so copies arrive out of order with newer
// messages, and most often on another node.
func (b *balancer) redeliverLater(uri string, h http.Header, body []byte) {
	h.Set("X-Fault-Copy", "1")
	b.copies.Go(func() {
		time.Sleep(time.Duration(200+rand.IntN(1800)) * time.Millisecond) // the storm's disorder, not a wait for state
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, _, err := b.forward(ctx, http.MethodPost, uri, h, body, true)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			b.resent.Add(1)
		}
	})
}

// copyFlushing copies a (possibly streaming) body, flushing each read so
// server-sent events pass at once.
func copyFlushing(w http.ResponseWriter, body io.Reader) {
	fl, _ := w.(http.Flusher)
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if fl != nil {
				fl.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}
