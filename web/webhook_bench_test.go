package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"github.com/parleycc/parley/web"
)

const (
	benchPage   = "300000000000001"
	benchSecret = "bench-app-secret"
)

// BenchmarkWebhookIngest measures the webhook path through a real HTTP
// server: signature check, parse, durable store (group commit), 200. The
// "bare" case is a net/http handler that only verifies and parses, run in
// the same process for comparison. Each request carries one event; 64
// clients post concurrently. Reported: events/s and p99 latency.
func BenchmarkWebhookIngest(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, messenger.MaxBodyBytes))
		if err != nil || !messenger.VerifySignature(body, r.Header.Get(messenger.SignatureHeader), benchSecret) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if _, err := messenger.ParseWebhook(body); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, "EVENT_RECEIVED")
	})
	b.Run("bare", func(b *testing.B) { runIngest(b, bare) })
	b.Run("sqlite", func(b *testing.B) { runIngest(b, parleyHandler(b, sqltest.OpenSQLite(b))) })
	b.Run("postgres", func(b *testing.B) { runIngest(b, parleyHandler(b, sqltest.OpenPostgres(b))) })
}

func parleyHandler(b *testing.B, st *sqlstore.Store) http.Handler {
	ctx := context.Background()
	if err := st.UpsertAccount(ctx, &parley.Account{TenantID: parley.DefaultTenant, Name: "bench", Type: parley.ChannelFacebook,
		PageID: benchPage, AccessToken: "t", AppSecret: benchSecret, VerifyToken: "v", Active: true}); err != nil {
		b.Fatal(err)
	}
	bus := inmem.New()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &conversation.Service{Store: st, Bus: bus, Logger: log}
	srv := &web.Server{Store: st, Bus: bus, Conversations: svc, Logger: log}
	h, err := srv.Handler()
	if err != nil {
		b.Fatal(err)
	}
	return h
}

var benchSeq atomic.Int64

func runIngest(b *testing.B, h http.Handler) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(64 / max(1, testingProcs()))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 256)
		for pb.Next() {
			n := benchSeq.Add(1)
			body := fakegraph.TextEvent(benchPage, "7100000000000001", fmt.Sprintf("m_bench_%d_%d", time.Now().UnixNano(), n), "hello", time.Now())
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhooks/facebook", bytes.NewReader(body))
			req.Header.Set(messenger.SignatureHeader, messenger.Sign(body, benchSecret))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("HTTP %d", resp.StatusCode)
				return
			}
			local = append(local, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// testingProcs is GOMAXPROCS, which RunParallel multiplies the
// parallelism by.
func testingProcs() int { return runtime.GOMAXPROCS(0) }
