package e2e

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"golang.org/x/crypto/bcrypt"
)

// startApp starts Parley in demo mode on SQLite in a temporary directory,
// listening on a free loopback port, and returns its base URL. The server's
// log is shown when the test fails.
func startApp(t *testing.T) string {
	return startAppHandle(t).url
}

// appHandle is an in-process Parley a test can restart.
type appHandle struct {
	t    *testing.T
	cfg  app.Config
	app  *app.App
	url  string
	logs *syncBuffer
}

func startAppHandle(t *testing.T) *appHandle {
	t.Helper()
	return startAppWith(t, func(cfg *app.Config) {
		cfg.Demo = true
		// A fresh copy of the demo configuration each run (not a stale parley-data/demo.yaml).
		cfg.ConfigFile = filepath.Join(t.TempDir(), "demo.yaml")
	})
}

// startAppWith starts Parley on a fresh SQLite database as
// startAppHandle does, with the configuration that setup changes (not in
// demo mode unless setup says so).
func startAppWith(t *testing.T, setup func(*app.Config)) *appHandle {
	t.Helper()
	logs := &syncBuffer{}
	h := &appHandle{t: t, logs: logs, cfg: app.Config{
		Database:     filepath.Join(t.TempDir(), "parley.db"),
		Addr:         "127.0.0.1:0",
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost,
	}}
	setup(&h.cfg)
	h.start()
	h.cfg.Addr = strings.TrimPrefix(h.url, "http://") // a restart listens where the first one did
	t.Cleanup(func() {
		if err := h.app.Close(); err != nil {
			t.Errorf("close parley: %v", err)
			// Whatever held shutdown up is in these stacks.
			buf := make([]byte, 4<<20)
			t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return h
}

func (h *appHandle) start() {
	h.t.Helper()
	a := app.New(h.cfg)
	ctx := testContext(h.t)
	if err := a.Start(ctx); err != nil {
		h.t.Fatalf("start parley: %v", err)
	}
	h.app, h.url = a, a.URL()
	go func() {
		select {
		case err := <-a.Err():
			if err != nil {
				h.logs.Write([]byte("FATAL: " + err.Error() + "\n"))
			}
		case <-ctx.Done():
		}
	}()
}

// restart stops the server and starts a new one on the same address and
// database, as an operator restarting Parley does.
func (h *appHandle) restart() {
	h.t.Helper()
	if err := h.app.Close(); errors.Is(err, context.DeadlineExceeded) {
		// Some streaming response outlived the shutdown's grace; the
		// server is stopped all the same (listener, store).
		h.t.Logf("stop parley: %v", err)
	} else if err != nil {
		h.t.Fatalf("stop parley: %v", err)
	}
	h.start()
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
