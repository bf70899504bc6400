package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/auth"
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
// "bare" case is a net/http handler that only verifies and parses. Each
// request carries one event; 64 clients post concurrently over loopback.
// Reported: events/s and p99 latency. The sqlite and postgres cases also
// run the bare handler with the same load just before their own run and
// report its figures (bare-events/s, bare-p99-ms) and their ratio
// (vs-bare-%), so that load from elsewhere on the machine hits both sides
// of the comparison alike; they also check that the database holds exactly
// one row per acknowledged event.
func BenchmarkWebhookIngest(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		eps, p99, _ := runIngest(b, bareHandler())
		reportIngest(b, eps, p99)
	})
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			var st *sqlstore.Store
			if db == "sqlite" {
				st = sqltest.OpenSQLite(b)
			} else {
				st = sqltest.OpenPostgres(b)
			}
			h := parleyHandler(b, st)
			bareEPS, bareP99, _ := runIngest(b, bareHandler())
			eps, p99, acked := runIngest(b, h)
			reportIngest(b, eps, p99)
			b.ReportMetric(bareEPS, "bare-events/s")
			b.ReportMetric(bareP99, "bare-p99-ms")
			if bareEPS > 0 {
				b.ReportMetric(100*eps/bareEPS, "vs-bare-%")
			}
			var stored int
			if err := st.DB().QueryRow("SELECT COUNT(*) FROM inbound_events").Scan(&stored); err != nil {
				b.Fatal(err)
			}
			if stored != acked {
				b.Fatalf("%d events acknowledged, %d stored", acked, stored)
			}
		})
	}
}

// bareHandler only verifies the signature and parses the JSON.
func bareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
}

func reportIngest(b *testing.B, eps, p99 float64) {
	b.ReportMetric(eps, "events/s")
	b.ReportMetric(p99, "p99-ms")
}

func parleyHandler(b testing.TB, st *sqlstore.Store) http.Handler {
	ctx := context.Background()
	if err := st.UpsertAccount(ctx, &parley.Account{TenantID: parley.DefaultTenant, Name: "bench", Type: parley.ChannelFacebook,
		PageID: benchPage, AccessToken: "t", AppSecret: benchSecret, VerifyToken: "v", Active: true}); err != nil {
		b.Fatal(err)
	}
	bus := inmem.New()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := conversation.New(conversation.Config{Store: st, Bus: bus, Logger: log, Channels: parley.NewChannels(messenger.New(nil))})
	srv := &web.Server{Bus: bus, Conversations: svc, Auth: auth.New(st, nil), Logger: log}
	h, err := srv.Handler()
	if err != nil {
		b.Fatal(err)
	}
	return h
}

var benchSeq atomic.Int64

// runIngest posts b.N one-event deliveries to h from 64 concurrent clients
// and returns events/s, p99 latency in ms and how many were acknowledged.
func runIngest(b *testing.B, h http.Handler) (eps, p99ms float64, acked int) {
	return runDeliveries(b, h, "/webhooks/facebook", func(n int64) ([]byte, http.Header) {
		body := fakegraph.TextEvent(benchPage, "7100000000000001", fmt.Sprintf("m_bench_%d_%d", time.Now().UnixNano(), n), "hello", time.Now())
		return body, http.Header{messenger.SignatureHeader: {messenger.Sign(body, benchSecret)}}
	})
}

// summarize turns latencies into events/s, p99 in ms and the count.
func summarize(lat []time.Duration, elapsed time.Duration) (eps, p99ms float64, n int) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	return float64(len(lat)) / elapsed.Seconds(), float64(p99.Microseconds()) / 1000, len(lat)
}

// testingProcs is GOMAXPROCS, which RunParallel multiplies the
// parallelism by.
func testingProcs() int { return runtime.GOMAXPROCS(0) }
