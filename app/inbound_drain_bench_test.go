package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
)

// newBenchWorld is a world on a fresh database of the kind named.
func newBenchWorld(b *testing.B, db string, tune func(*app.Config)) *world {
	return newWorldBehind(b, databases(b)[db](b), "testdata/parley.yaml", tune, nil)
}

// BenchmarkInboundDrain measures incoming events handled per second by
// the real server: signed webhooks from many customers (new chats with a
// profile lookup, a greeting and a queue, then more messages into them)
// are posted at once, and the clock stops when the inbound log is empty.
// Run with -benchtime 1x; parallel=1 is handling one event at a time.
//
//	go test ./app -run '^$' -bench InboundDrain -benchtime 1x
func BenchmarkInboundDrain(b *testing.B) {
	const customers, each, posters = 400, 5, 32
	for _, db := range []string{"sqlite", "postgres"} {
		for _, parallel := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/parallel=%d", db, parallel), func(b *testing.B) {
				var rate, perEvent float64
				for range b.N {
					b.StopTimer()
					w := newBenchWorld(b, db, func(c *app.Config) { c.InboundParallel = parallel })
					b.StartTimer()
					start, queries := time.Now(), w.app.Store.Queries()
					jobs := make(chan [2]int)
					var wg sync.WaitGroup
					for range posters {
						wg.Go(func() {
							for j := range jobs {
								psid := fmt.Sprintf("71%014d", j[0])
								if err := w.trySays(psid, fmt.Sprintf("m.%d.%d", j[0], j[1]), "hello"); err != nil {
									b.Error(err)
								}
							}
						})
					}
					for i := range each {
						for c := range customers {
							jobs <- [2]int{c, i}
						}
					}
					close(jobs)
					wg.Wait()
					for {
						left, err := w.app.Store.PendingInbound(context.Background(), 0, 1)
						if err != nil {
							b.Fatal(err)
						}
						if len(left) == 0 {
							break
						}
						time.Sleep(5 * time.Millisecond)
					}
					rate = float64(customers*each) / time.Since(start).Seconds()
					perEvent = float64(w.app.Store.Queries()-queries) / float64(customers*each)
					b.StopTimer()
				}
				b.ReportMetric(rate, "events/s")
				b.ReportMetric(perEvent, "queries/event")
			})
		}
	}
}
