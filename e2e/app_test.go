package e2e

import (
	"bytes"
	"log/slog"
	"path/filepath"
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
	t.Helper()
	logs := &syncBuffer{}
	a := app.New(app.Config{
		Database: filepath.Join(t.TempDir(), "parley.db"),
		Addr:     "127.0.0.1:0",
		Demo:     true,
		// A fresh copy of the demo configuration each run (not a stale parley-data/demo.yaml).
		ConfigFile:   filepath.Join(t.TempDir(), "demo.yaml"),
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost,
	})
	ctx := testContext(t)
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start parley: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close parley: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	go func() {
		select {
		case err := <-a.Err():
			if err != nil {
				logs.Write([]byte("FATAL: " + err.Error() + "\n"))
			}
		case <-ctx.Done():
		}
	}()
	return a.URL()
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
