package loadtest

import (
	"fmt"
	"testing"
	"time"
)

// TestDeliveryRate: messages of connected chats shown per second, from the
// first written to the last shown; chat openers are left out.
func TestDeliveryRate(t *testing.T) {
	l := NewLedger()
	t0 := time.Now()
	l.Posting("bench 1.0.1", true, t0.Add(-time.Hour))
	l.Shown("bench 1.0.1", "m1", t0)
	for i := range 4 {
		n := fmt.Sprintf("bench 1.0.%d", i+2)
		l.Posting(n, false, t0)
		l.Shown(n, n, t0.Add(time.Duration(i+1)*10*time.Millisecond))
	}
	if got := l.deliveryRate(); got < 99.9 || got > 100.1 {
		t.Errorf("deliveryRate = %v, want 100", got)
	}
}
