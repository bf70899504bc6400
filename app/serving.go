package app

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// serving tracks the server's connections and requests for Close.
//
// http.Server.Shutdown waits for a connection that never sent a request
// until it is five seconds old: a browser's speculative preconnect held
// every shutdown with a browser open to its deadline. No request can be
// lost on such a connection (none has begun), so once shutdown starts
// serving closes them, and any that opens after.
//
// It also names the requests still running when a shutdown runs out of
// time, so that whatever held it up is in the log.
type serving struct {
	mu      sync.Mutex
	closing bool
	fresh   map[net.Conn]struct{} // connections yet to send a request
	reqs    map[uint64]servingReq
	nextID  atomic.Uint64
}

type servingReq struct {
	method, path string
	since        time.Time
}

// connState is the server's ConnState hook.
func (s *serving) connState(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st != http.StateNew {
		delete(s.fresh, c)
		return
	}
	if s.closing {
		_ = c.Close()
		return
	}
	if s.fresh == nil {
		s.fresh = map[net.Conn]struct{}{}
	}
	s.fresh[c] = struct{}{}
}

// shutdown closes the fresh connections and every one that opens from now
// on (the server's OnShutdown hook: its listeners are closed by then).
func (s *serving) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	for c := range s.fresh {
		_ = c.Close()
	}
	clear(s.fresh)
}

// wrap counts every request h serves.
func (s *serving) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.nextID.Add(1)
		s.mu.Lock()
		if s.reqs == nil {
			s.reqs = map[uint64]servingReq{}
		}
		s.reqs[id] = servingReq{method: r.Method, path: r.URL.Path, since: time.Now()}
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.reqs, id)
			s.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// logRunning writes one line per request still being served.
func (s *serving) logRunning(logger *slog.Logger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.reqs {
		logger.Warn("shutdown: request still running", slog.String("method", r.method),
			slog.String("path", r.path), slog.Duration("for", time.Since(r.since).Round(time.Millisecond)))
	}
}
