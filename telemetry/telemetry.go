// Package telemetry holds Parley's Prometheus metrics: what the web layer
// and the conversation service count as they work (webhooks, ingest time,
// offers, sends, live streams), and a Handler that serves them with the
// figures read from the database at each scrape (queue lengths, the
// outbox's oldest message, the connection pool). Metric names begin with
// parley_; the README lists them.
package telemetry

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Counted as the server works (one set per process).
var (
	// Webhooks counts webhook deliveries by channel type and result
	// (accepted, bad_signature, malformed, too_large, unknown_account,
	// error).
	Webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_webhooks_total",
		Help: "Webhook deliveries by channel and result."}, []string{"channel", "result"})
	// Ingest is how long a webhook takes from arrival to its answer (the
	// events durable when it is 200).
	Ingest = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parley_ingest_seconds",
		Help:    "Time from a webhook's arrival to its answer, events stored.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"channel"})
	// Offers counts routing decisions committed (an offer, or an
	// assignment with auto-accept).
	Offers = prometheus.NewCounter(prometheus.CounterOpts{Name: "parley_offers_total",
		Help: "Chats offered or assigned to agents by routing."})
	// Sends counts outbound send attempts by channel and result (sent,
	// retry, held, failed, maybe_sent).
	Sends = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_sends_total",
		Help: "Outbound send attempts by channel and result."}, []string{"channel", "result"})
	// SSEClients is the number of open live event streams on this node.
	SSEClients = prometheus.NewGauge(prometheus.GaugeOpts{Name: "parley_sse_clients",
		Help: "Open live event streams (desktops, supervisors, web chat visitors) on this node."})
)

// Backlog is what the database holds that is waiting to be done.
type Backlog struct {
	InboundPending int           // webhook events not processed yet
	OutboxPending  int           // outbound messages pending or sending
	OutboxOldest   time.Duration // age of the oldest of them
	QueuedChats    int           // chats waiting for an agent
	OfferedChats   int           // offers waiting for an answer
	OldestInbound  time.Duration // age of the oldest unprocessed event
}

// backlogCollector reads the backlog at each scrape.
type backlogCollector struct {
	read func(ctx context.Context) (Backlog, error)
}

var (
	descInbound      = prometheus.NewDesc("parley_inbound_pending", "Webhook events stored and not processed yet.", nil, nil)
	descInboundAge   = prometheus.NewDesc("parley_inbound_oldest_age_seconds", "Age of the oldest unprocessed webhook event.", nil, nil)
	descOutbox       = prometheus.NewDesc("parley_outbox_pending", "Outbound messages pending or being sent.", nil, nil)
	descOutboxAge    = prometheus.NewDesc("parley_outbox_oldest_age_seconds", "Age of the oldest outbound message not sent yet.", nil, nil)
	descQueued       = prometheus.NewDesc("parley_queued_chats", "Chats waiting in a queue for an agent.", nil, nil)
	descOffered      = prometheus.NewDesc("parley_offered_chats", "Chats offered to an agent and not answered yet.", nil, nil)
	descBacklogError = prometheus.NewDesc("parley_backlog_read_errors", "1 when the backlog could not be read at this scrape.", nil, nil)
)

func (c backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInbound, descInboundAge, descOutbox, descOutboxAge, descQueued, descOffered, descBacklogError} {
		ch <- d
	}
}

func (c backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descBacklogError, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(descBacklogError, prometheus.GaugeValue, 0)
	ch <- prometheus.MustNewConstMetric(descInbound, prometheus.GaugeValue, float64(b.InboundPending))
	ch <- prometheus.MustNewConstMetric(descInboundAge, prometheus.GaugeValue, b.OldestInbound.Seconds())
	ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(b.OutboxPending))
	ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, b.OutboxOldest.Seconds())
	ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(b.QueuedChats))
	ch <- prometheus.MustNewConstMetric(descOffered, prometheus.GaugeValue, float64(b.OfferedChats))
}

// Handler serves the metrics in Prometheus' text format: the process's
// counters, the backlog read by backlog at each scrape, the database
// connection pool of db and the Go runtime's own.
func Handler(backlog func(ctx context.Context) (Backlog, error), db *sql.DB) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(Webhooks, Ingest, Offers, Sends, SSEClients,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if backlog != nil {
		reg.MustRegister(backlogCollector{read: backlog})
	}
	if db != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(db, "parley"))
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
