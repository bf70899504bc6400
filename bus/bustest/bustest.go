// Package bustest is the conformance suite every parley.Bus passes: the
// in-process bus and the NATS bus run the same tests.
package bustest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// wait bounds how long a notification may take to arrive (a network hop
// for NATS).
const wait = 5 * time.Second

// Run tests bus. peer is a second handle on the same bus (another node;
// the in-process bus passes itself); settle waits until subscriptions and
// publications have reached the server.
func Run(t *testing.T, bus parley.Bus, peer parley.Bus, settle func()) {
	ctx := context.Background()
	t.Run("delivers to the tenant", func(t *testing.T) {
		ch, cancel := bus.Subscribe("bt-a")
		defer cancel()
		other, cancelOther := bus.Subscribe("bt-b")
		defer cancelOther()
		settle()
		if err := peer.Publish(ctx, "bt-a", 7); err != nil {
			t.Fatal(err)
		}
		select {
		case id := <-ch:
			if id != 7 {
				t.Fatalf("got %d, want 7", id)
			}
		case <-time.After(wait):
			t.Fatal("no notification")
		}
		settle()
		select {
		case id := <-other:
			t.Fatalf("other tenant got %d", id)
		case <-time.After(50 * time.Millisecond):
		}
	})
	t.Run("fan out to every subscriber", func(t *testing.T) {
		a, ca := bus.Subscribe("bt-fan")
		defer ca()
		b, cb := peer.Subscribe("bt-fan")
		defer cb()
		settle()
		if err := bus.Publish(ctx, "bt-fan", 3); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []<-chan int64{a, b} {
			select {
			case <-ch:
			case <-time.After(wait):
				t.Fatal("a subscriber missed the notification")
			}
		}
	})
	t.Run("slow subscriber never blocks publishers", func(t *testing.T) {
		_, cancel := bus.Subscribe("bt-slow")
		defer cancel()
		settle()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range 5000 {
				_ = peer.Publish(ctx, "bt-slow", int64(i))
			}
		}()
		select {
		case <-done:
		case <-time.After(wait):
			t.Fatal("publisher blocked by a full subscriber")
		}
	})
	t.Run("cancel is idempotent and stops delivery", func(t *testing.T) {
		ch, cancel := bus.Subscribe("bt-cancel")
		cancel()
		cancel()
		settle()
		_ = peer.Publish(ctx, "bt-cancel", 1)
		settle()
		select {
		case id, ok := <-ch:
			if ok {
				t.Fatalf("got %d after cancel", id)
			}
		case <-time.After(50 * time.Millisecond):
		}
	})
	t.Run("concurrent use", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, cancel := bus.Subscribe("bt-conc")
				defer cancel()
				_ = peer.Publish(ctx, "bt-conc", int64(i))
				select {
				case <-ch:
				case <-time.After(wait):
				}
			}()
		}
		wg.Wait()
	})
}
