package natsbus

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/parleycc/parley/bus/bustest"
)

// testURL is the NATS server of the tests: $PARLEY_TEST_NATS or the local one.
func testURL() string {
	if u := os.Getenv("PARLEY_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// connect returns a bus on the test server; skipped when it is unreachable,
// failed on CI.
func connect(t *testing.T) *Bus {
	t.Helper()
	url := testURL()
	conn, err := net.DialTimeout("tcp", url[len("nats://"):], 2*time.Second)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS at %s unreachable: %v", url, err)
		}
		t.Skipf("NATS at %s unreachable: %v", url, err)
	}
	conn.Close()
	b, err := Connect(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// TestConformance runs the bus suite with two connections: two nodes.
func TestConformance(t *testing.T) {
	a, b := connect(t), connect(t)
	bustest.Run(t, a, b, func() {
		_ = a.Flush()
		_ = b.Flush()
	})
}

func TestSubject(t *testing.T) {
	if got := subject("acme.eu *"); got != "parley.events.acme_eu__" {
		t.Fatalf("subject = %q", got)
	}
}
