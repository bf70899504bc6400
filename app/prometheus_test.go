package app_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestMetrics: /metrics shows webhooks by result, the backlog read from
// the database, sends, offers and the connection pool, in Prometheus'
// text format.
func TestMetrics(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			scrape := func() string {
				t.Helper()
				resp, err := http.Get(w.app.URL() + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("/metrics: HTTP %d %s", resp.StatusCode, b)
				}
				return string(b)
			}
			value := func(text, series string) float64 {
				m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
				if m == nil {
					return -1
				}
				v, _ := strconv.ParseFloat(m[1], 64)
				return v
			}
			before := scrape()
			accepted := `parley_webhooks_total{channel="facebook",result="accepted"}`
			forged := `parley_webhooks_total{channel="facebook",result="bad_signature"}`
			a0, f0 := max(value(before, accepted), 0), max(value(before, forged), 0)

			w.customerSays("m_1", "Hello")
			body := fakegraph.TextEvent(pageID, psid, "m_2", "forged", time.Now())
			if resp, _ := w.postWebhook(body, "sha256=00"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("forged webhook: %s", resp.Status)
			}
			alice, chatID := connect(t, w)
			alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Counted"}, nil)
			eventually(t, "the reply to go out", func() bool { return countText(w.graph.SentTo(psid), "Counted") == 1 })

			var after string
			eventually(t, "the counters to show it", func() bool {
				after = scrape()
				return value(after, accepted) >= a0+1 && value(after, forged) >= f0+1 &&
					value(after, `parley_sends_total{channel="facebook",result="sent"}`) >= 1
			})
			for _, series := range []string{"parley_inbound_pending", "parley_outbox_pending", "parley_outbox_oldest_age_seconds",
				"parley_queued_chats", "parley_offered_chats", "parley_sse_clients", "parley_offers_total", "parley_backlog_read_errors",
				`parley_ingest_seconds_count{channel="facebook"}`} {
				if value(after, series) < 0 {
					t.Errorf("no %s in:\n%s", series, after)
				}
			}
			if value(after, "parley_backlog_read_errors") != 0 || !strings.Contains(after, "parley_db_open_connections") && !strings.Contains(after, "go_sql_open_connections") {
				t.Errorf("backlog or pool metrics missing:\n%s", after)
			}
		})
	}
}
