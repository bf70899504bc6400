package web

import (
	"io"
	"net/http"

	"github.com/parleycc/parley"
)

// accountWebhook stores a delivery to a per-account webhook URL
// (/webhooks/{type}/{account}) and answers as the platform expects. 200
// means every event in it is durable.
func (s *Server) accountWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req := &parley.WebhookRequest{Method: r.Method, Header: r.Header, Query: r.URL.Query(), Body: body, URL: r.URL.String()}
	got, err := s.Conversations.IngestAccount(r.Context(), r.PathValue("type"), r.PathValue("account"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if got.Response == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	ct := got.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(got.Response)
}

// accountHandshake answers a platform's verification GET on a
// per-account webhook URL.
func (s *Server) accountHandshake(w http.ResponseWriter, r *http.Request) {
	req := &parley.WebhookRequest{Method: r.Method, Header: r.Header, Query: r.URL.Query()}
	body, err := s.Conversations.HandshakeAccount(r.Context(), r.PathValue("type"), r.PathValue("account"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, body)
}
