package netguard

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestTransportKeepsConnections sends rounds of concurrent requests to
// one host, each round held open until all of its requests have arrived:
// every round needs as many connections at once, and after the first the
// transport must have kept them.
func TestTransportKeepsConnections(t *testing.T) {
	const perRound, rounds = 32, 3
	var opened atomic.Int64
	arrived := make(chan struct{}, perRound)
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	for _, tc := range []struct {
		name    string
		guarded bool
	}{{"plain", false}, {"guarded", true}} {
		t.Run(tc.name, func(t *testing.T) {
			opened.Store(0)
			client := &http.Client{Transport: Transport(func() bool { return true })}
			defer client.CloseIdleConnections()
			ctx := context.Background()
			if tc.guarded {
				ctx = Guarded(ctx)
			}
			for round := range rounds {
				var wg sync.WaitGroup
				errs := make(chan error, perRound)
				for range perRound {
					wg.Go(func() {
						req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
						if err != nil {
							errs <- err
							return
						}
						resp, err := client.Do(req)
						if err != nil {
							errs <- err
							return
						}
						resp.Body.Close()
					})
				}
				for range perRound {
					<-arrived
				}
				for range perRound {
					release <- struct{}{}
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if n := opened.Load(); n != perRound {
				t.Errorf("%d rounds of %d requests at once opened %d connections, want %d (kept between rounds)",
					rounds, perRound, n, perRound)
			}
		})
	}
}
