package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/auth"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/line/fakeline"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/telegram/faketelegram"
	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/viber/fakeviber"
	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"github.com/parleycc/parley/web"
)

// benchChannel is one platform's webhook under load: its account, and a
// signed one-message delivery for each request.
type benchChannel struct {
	ch      parley.Channel
	account parley.Account
	// delivery returns the body and headers of the n-th delivery.
	delivery func(n int64) ([]byte, http.Header)
}

func benchChannels() []benchChannel {
	ln := fakeline.New()
	return []benchChannel{
		{ch: telegram.New(nil),
			account: parley.Account{Name: "tg", Type: telegram.Type, PageID: "555", AccessToken: "555:bench", VerifyToken: "bench-secret"},
			delivery: func(n int64) ([]byte, http.Header) {
				body := faketelegram.TextUpdate(n, n, faketelegram.From{ID: 4242, FirstName: "Tina"}, "hello", time.Now())
				return body, http.Header{"X-Telegram-Bot-Api-Secret-Token": {"bench-secret"}}
			}},
		{ch: line.New(nil),
			account: parley.Account{Name: "line", Type: line.Type, PageID: "Ubench", AccessToken: "line-token", AppSecret: "line-secret"},
			delivery: func(n int64) ([]byte, http.Header) {
				body := fakeline.Envelope("Ubench", ln.TextEvent("U11111111111111111111111111111111", "hello", time.Now()))
				return body, http.Header{"X-Line-Signature": {fakeline.Sign(body, "line-secret")}}
			}},
		{ch: viber.New(nil),
			account: parley.Account{Name: "viber", Type: viber.Type, PageID: "pa:bench", AccessToken: "viber-token",
				Settings: map[string]string{"sender_name": "Bench"}},
			delivery: func(n int64) ([]byte, http.Header) {
				body := fakeviber.Text(5000000000000000000+n, time.Now(), fakeviber.User{ID: "vera==", Name: "Vera"}, "hello")
				return body, fakeviber.SignedHeader(body, "viber-token")
			}},
		{ch: vonage.New(nil),
			account: parley.Account{Name: "vonage", Type: vonage.Type, PageID: "447700900000", AppSecret: "s", VerifyToken: "vonage-signature",
				Settings: map[string]string{"api_key": "k", "route": "sms", "from": "447700900000"}},
			delivery: func(n int64) ([]byte, http.Header) {
				body := fakevonage.Text("sms", "447700900001", "447700900000", "hello", time.Now())
				h, _ := fakevonage.SignedHeader(body, "vonage-signature", "k", time.Now())
				return body, h
			}},
	}
}

// BenchmarkChannelIngest is BenchmarkWebhookIngest for every channel with
// a per-account URL: "bare" is a net/http handler that only runs the
// channel's own verify-and-parse (Receive); sqlite and postgres run the
// real route with durable storage, and report their ratio to a bare run
// made just before (vs-bare-%), and check one stored row per 200.
func BenchmarkChannelIngest(b *testing.B) {
	for _, bc := range benchChannels() {
		b.Run(bc.ch.Type(), func(b *testing.B) {
			for _, db := range []string{"sqlite", "postgres"} {
				b.Run(db, func(b *testing.B) {
					var st *sqlstore.Store
					if db == "sqlite" {
						st = sqltest.OpenSQLite(b)
					} else {
						st = sqltest.OpenPostgres(b)
					}
					h, url := channelHandler(b, st, bc)
					bare := channelBare(bc)
					bareEPS, _, _ := runDeliveries(b, bare, "/", bc.delivery)
					eps, p99, acked := runDeliveries(b, h, url, bc.delivery)
					reportIngest(b, eps, p99)
					b.ReportMetric(bareEPS, "bare-events/s")
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
		})
	}
}

// channelHandler is Parley's HTTP handler with the channel's account
// stored; it returns the account's webhook path.
func channelHandler(b testing.TB, st *sqlstore.Store, bc benchChannel) (http.Handler, string) {
	acct := bc.account
	acct.TenantID, acct.Active = parley.DefaultTenant, true
	if err := st.UpsertAccount(context.Background(), &acct); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus := inmem.New()
	svc := conversation.New(conversation.Config{Store: st, Bus: bus, Logger: log, Channels: parley.NewChannels(bc.ch)})
	srv := &web.Server{Bus: bus, Conversations: svc, Auth: auth.New(st, nil), Logger: log}
	h, err := srv.Handler()
	if err != nil {
		b.Fatal(err)
	}
	return h, "/webhooks/" + acct.Type + "/" + acct.ID
}

// channelBare verifies and parses with the channel and answers 200.
func channelBare(bc benchChannel) http.Handler {
	acct := bc.account
	acct.ID, acct.TenantID = "bare", parley.DefaultTenant
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		req := &parley.WebhookRequest{Method: r.Method, Header: r.Header, Body: body}
		if _, err := bc.ch.Receive(r.Context(), req, []*parley.Account{&acct}); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// runDeliveries posts b.N deliveries from 64 concurrent clients.
func runDeliveries(b *testing.B, h http.Handler, path string, delivery func(int64) ([]byte, http.Header)) (eps, p99ms float64, acked int) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(64 / max(1, testingProcs()))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var local []time.Duration
		for pb.Next() {
			body, header := delivery(benchSeq.Add(1))
			req, _ := http.NewRequest(http.MethodPost, ts.URL+path, bytes.NewReader(body))
			for k, vs := range header {
				req.Header[k] = vs
			}
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
	client.CloseIdleConnections()
	return summarize(lat, elapsed)
}
