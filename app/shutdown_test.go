package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestShutdownEndsEventStreams: closing the app ends open event streams
// at once instead of waiting for Shutdown's deadline.
func TestShutdownEndsEventStreams(t *testing.T) {
	w := newWorld(t, databases(t)["sqlite"](t))
	alice := w.login("alice", "alice-pass")
	alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := alice.stream(ctx, "")
	w.customerSays("m_a", "one")
	<-events // the stream is live

	start := time.Now()
	if err := w.app.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Close took %v with a stream open", took)
	}
	for range events { // ends when the server closed the response
	}
	if ctx.Err() != nil {
		t.Fatal("the stream did not end with the server")
	}
}
