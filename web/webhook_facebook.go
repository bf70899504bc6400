package web

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/parleycc/parley"
)

// facebookVerify answers the subscription handshake.
func (s *Server) facebookVerify(w http.ResponseWriter, r *http.Request) {
	challenge, err := s.Conversations.Handshake(r.Context(), parley.ChannelFacebook, &parley.WebhookRequest{Method: r.Method, Header: r.Header, Query: r.URL.Query()})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, challenge)
}

// facebookWebhook stores a signed delivery and acknowledges it. 200 means
// every event in it is durable; any error makes Facebook deliver it again.
func (s *Server) facebookWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req := &parley.WebhookRequest{Method: r.Method, Header: r.Header, Query: r.URL.Query(), Body: body}
	if _, err := s.Conversations.Ingest(r.Context(), parley.ChannelFacebook, req); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "EVENT_RECEIVED")
}

// maxWebhookBytes bounds a webhook delivery's body (413 beyond).
const maxWebhookBytes = 1 << 20

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.Ready(r.Context()); err != nil {
		// The details stay in the log: this endpoint is unauthenticated.
		s.Logger.Warn("not ready", slog.Any("err", err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database unreachable or not fully migrated"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
