package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

// server is Parley as the browser sees it: the app behind a small reverse
// proxy that lets a test cut every browser connection (as a flaky network
// does) and hold the event stream back for a while, to test reconnects.
type server struct {
	URL string // what the browser opens

	proxy *httptest.Server
	app   *appHandle // nil when the server is outside the test ($PARLEY_E2E_URL)
	mu    sync.Mutex
	held  chan struct{} // non-nil while /api/events requests are held back
}

// startServer starts Parley in demo mode for the test (or uses the one at
// $PARLEY_E2E_URL) and puts the proxy in front of it.
func startServer(t *testing.T) *server {
	t.Helper()
	backend := os.Getenv("PARLEY_E2E_URL")
	var h *appHandle
	if backend == "" {
		h = startAppHandle(t)
		backend = h.url
	}
	return proxyTo(t, backend, h)
}

// proxyTo puts the proxy in front of the Parley at backend; h is that
// Parley when it runs in the test, nil otherwise.
func proxyTo(t *testing.T, backend string, h *appHandle) *server {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(backend, "/"))
	if err != nil {
		t.Fatalf("server URL %q: %v", backend, err)
	}
	s := &server{app: h}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1 // Server-Sent Events go through at once
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if r.Context().Err() == nil {
			t.Logf("proxy: %s %s: %v", r.Method, r.URL, err)
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	s.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/events" {
			s.mu.Lock()
			held := s.held
			s.mu.Unlock()
			if held != nil {
				select {
				case <-held:
				case <-r.Context().Done():
					return
				}
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.release()
		s.proxy.CloseClientConnections()
		s.proxy.Close()
	})
	s.URL = s.proxy.URL
	return s
}

// disconnect drops every open browser connection and holds new event
// streams back until reconnect is called: the Agent Desktop sees its live
// stream break and keeps trying.
func (s *server) disconnect() {
	s.mu.Lock()
	if s.held == nil {
		s.held = make(chan struct{})
	}
	s.mu.Unlock()
	s.proxy.CloseClientConnections()
}

// restartApp stops Parley and starts it again on the same address and
// database; the browser's connections through the proxy break meanwhile.
func (s *server) restartApp(t *testing.T) {
	t.Helper()
	if s.app == nil {
		t.Skip("the server is outside the test ($PARLEY_E2E_URL): it cannot be restarted")
	}
	s.proxy.CloseClientConnections() // what a stopping server does to its clients
	s.app.restart()
}

// reconnect lets the held-back event streams through.
func (s *server) reconnect() { s.release() }

func (s *server) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		close(s.held)
		s.held = nil
	}
}

// ctx is a context for work outside the browser that ends with the test.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}
