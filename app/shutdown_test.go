package app_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestShutdownEndsEventStreams: closing the app ends open event streams
// instead of waiting for them until Shutdown's deadline (an error).
func TestShutdownEndsEventStreams(t *testing.T) {
	w := newWorld(t, databases(t)["sqlite"](t))
	alice := w.login("alice", "alice-pass")
	alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := alice.stream(ctx, "")
	w.customerSays("m_a", "one")
	<-events // the stream is live

	if err := w.app.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	for range events { // ends when the server closed the response
	}
	if ctx.Err() != nil {
		t.Fatal("the stream did not end with the server")
	}
}

// TestShutdownClosesUnusedConnections: a connection that never sent a
// request (a browser's preconnect) does not hold shutdown up. Without
// serving's OnShutdown hook, Shutdown waits until such a connection is five
// seconds old, its own deadline: Close fails.
func TestShutdownClosesUnusedConnections(t *testing.T) {
	w := newWorld(t, databases(t)["sqlite"](t))
	var open []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", strings.TrimPrefix(w.app.URL(), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		open = append(open, c)
	}
	// A request on a connection of its own, answered: the server accepts
	// in order, so it has taken the unused ones in before it.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(w.app.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if err := w.app.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	for i, c := range open {
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Errorf("connection %d is still open after Close", i)
		}
	}
}
