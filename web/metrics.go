package web

import (
	"crypto/subtle"
	"net/http"
	"net/netip"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/telemetry"
)

// countWebhook counts a webhook delivery by channel and result and times
// it (parley_webhooks_total, parley_ingest_seconds). The channel is the
// route's own type or, for /webhooks/{type}/…, a registered type only, so
// made-up paths cannot grow the metrics.
func (s *Server) countWebhook(channel string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h(rec, r)
		ch := channel
		if ch == "" {
			ch = "unknown"
			if typ := r.PathValue("type"); typ != "" && s.Conversations != nil {
				if _, err := s.Conversations.Channels.Get(typ); err == nil {
					ch = typ
				}
			}
		}
		telemetry.Webhooks.WithLabelValues(ch, webhookResult(rec.status)).Inc()
		telemetry.Ingest.WithLabelValues(ch).Observe(time.Since(start).Seconds())
	}
}

func webhookResult(status int) string {
	switch {
	case status < 300:
		return "accepted"
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return "bad_signature"
	case status == http.StatusNotFound:
		return "unknown_account"
	case status == http.StatusRequestEntityTooLarge:
		return "too_large"
	case status < 500:
		return "malformed"
	}
	return "error"
}

// metrics serves /metrics. With a MetricsToken it asks for it as a
// bearer token; without one it answers only to loopback and private
// addresses, where a Prometheus server scrapes from.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil {
		http.NotFound(w, r)
		return
	}
	if s.MetricsToken != "" {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, []byte("Bearer "+s.MetricsToken)) != 1 {
			s.writeError(w, r, parley.Errorf(parley.EUNAUTHORIZED, "metrics need the bearer token (PARLEY_METRICS_TOKEN)"))
			return
		}
	} else if ip, err := netip.ParseAddr(clientAddress(r)); err != nil || !(ip.Unmap().IsLoopback() || ip.Unmap().IsPrivate()) {
		s.writeError(w, r, parley.Errorf(parley.EFORBIDDEN, "metrics are served to private addresses only unless PARLEY_METRICS_TOKEN is set"))
		return
	}
	s.Metrics.ServeHTTP(w, r)
}
