package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestWebhookGroupCommitConcurrent posts many deliveries at once, so that
// they share group-committed transactions, on both databases. Each
// message is delivered three times: twice in the same delivery (the same
// batch by construction), once more concurrently with the first (most
// likely the same or the neighbouring batch) and once after everything
// was acknowledged (a later batch). Every acknowledged message must be
// stored exactly once.
func TestWebhookGroupCommitConcurrent(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ts := httptest.NewServer(parleyHandler(t, st))
		defer ts.Close()
		client := &http.Client{Timeout: 30 * time.Second}
		const messages, workers = 300, 24
		ts0 := time.Now()
		body := func(i int, twice bool) []byte {
			c := fakegraph.Customer{PSID: fmt.Sprintf("71000000000%04d", i%17), PageID: benchPage}
			item := c.Text(fmt.Sprintf("m_gc_%d", i), "hello", ts0.Add(time.Duration(i)*time.Millisecond))
			if twice {
				return fakegraph.Body(benchPage, item, item)
			}
			return fakegraph.Body(benchPage, item)
		}
		post := func(b []byte) error {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhooks/facebook", bytes.NewReader(b))
			req.Header.Set(messenger.SignatureHeader, messenger.Sign(b, benchSecret))
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("HTTP %d", resp.StatusCode)
			}
			return nil
		}
		send := func(twice bool) {
			t.Helper()
			jobs := make(chan int)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			for range workers {
				wg.Go(func() {
					for i := range jobs {
						if err := post(body(i, twice)); err != nil {
							mu.Lock()
							errs = append(errs, fmt.Errorf("message %d: %w", i, err))
							mu.Unlock()
						}
					}
				})
			}
			for i := range messages {
				jobs <- i
				if twice {
					jobs <- i // the same message again, concurrently
				}
			}
			close(jobs)
			wg.Wait()
			for _, err := range errs {
				t.Error(err)
			}
		}
		check := func(when string) {
			t.Helper()
			var rows, keys int
			if err := st.DB().QueryRow("SELECT COUNT(*), COUNT(DISTINCT dedup_key) FROM inbound_events").Scan(&rows, &keys); err != nil {
				t.Fatal(err)
			}
			if rows != messages || keys != messages {
				t.Fatalf("%s: %d rows, %d distinct messages; want %d of each", when, rows, keys, messages)
			}
		}
		send(true)
		check("after concurrent deliveries")
		send(false) // redelivered in later batches
		check("after redelivery")
	})
}
