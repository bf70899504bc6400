package inmem

import (
	"context"
	"testing"
)

func TestBus(t *testing.T) {
	b := New()
	ch, cancel := b.Subscribe("t1")
	other, cancelOther := b.Subscribe("t2")
	defer cancelOther()
	if err := b.Publish(context.Background(), "t1", 7); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got != 7 {
		t.Fatalf("got %d, want 7", got)
	}
	select {
	case id := <-other:
		t.Fatalf("other tenant got %d", id)
	default:
	}
	// A full subscriber never blocks the publisher.
	for i := range 1000 {
		_ = b.Publish(context.Background(), "t1", int64(i))
	}
	cancel()
	cancel() // idempotent
}
