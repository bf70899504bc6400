package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/hooks"
)

// Outgoing webhooks in Admin: subscriptions and their delivery log.

func (s *Server) hookRoutes(mux *http.ServeMux) {
	if s.Hooks == nil {
		return
	}
	mux.HandleFunc("GET /admin/webhooks", s.withPageUser(s.adminOnlyPage(s.adminWebhooksPage)))
	mux.HandleFunc("GET /api/admin/webhooks", s.withRole(s.listHooks, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/webhooks", s.withRole(s.createHook, parley.RoleAdmin))
	mux.HandleFunc("GET /api/admin/webhooks/{id}", s.withRole(s.getHook, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/webhooks/{id}", s.withRole(s.updateHook, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/webhooks/{id}", s.withRole(s.deleteHook, parley.RoleAdmin))
	mux.HandleFunc("GET /api/admin/webhooks/{id}/deliveries", s.withRole(s.hookDeliveries, parley.RoleAdmin))
	s.apiKeyRoutes(mux)
	s.userRoutes(mux)
	s.teamRoutes(mux) // teams_api.go
	s.serviceRoutes(mux)
	s.entryRoutes(mux)
	s.scheduleRoutes(mux)
}

func (s *Server) adminWebhooksPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_webhooks", "Webhooks")
}

// hookJSON is a subscription as the API shows it: never its secret, except
// in the answer that creates it.
type hookJSON struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	URL           string     `json:"url"`
	Events        []string   `json:"events"`
	AllowPrivate  bool       `json:"allow_private"`
	Active        bool       `json:"active"`
	Secret        string     `json:"secret,omitempty"`
	Status        string     `json:"status"` // "ok", "failing" or "paused"
	Failures      int        `json:"failures"`
	LastError     string     `json:"last_error,omitempty"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
}

func viewHook(h *parley.HookSubscription) hookJSON {
	v := hookJSON{ID: h.ID, Name: h.Name, URL: h.URL, Events: h.Events, AllowPrivate: h.AllowPrivate, Active: h.Active,
		Failures: h.Failures, LastError: h.LastError, Version: h.Version, CreatedAt: h.CreatedAt, Status: "ok"}
	if v.Events == nil {
		v.Events = []string{}
	}
	if !h.NextAttemptAt.IsZero() {
		v.NextAttemptAt = &h.NextAttemptAt
	}
	if !h.LastSuccessAt.IsZero() {
		v.LastSuccessAt = &h.LastSuccessAt
	}
	switch {
	case !h.Active:
		v.Status = "paused"
	case h.Failures > 0:
		v.Status = "failing"
	}
	return v
}

func (s *Server) listHooks(w http.ResponseWriter, r *http.Request) {
	hs, err := s.Hooks.List(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]hookJSON, 0, len(hs))
	for _, h := range hs {
		out = append(out, viewHook(h))
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out, "events": hooks.Names})
}

func (s *Server) createHook(w http.ResponseWriter, r *http.Request) {
	var in hooks.Input
	if !s.readJSON(w, r, &in) {
		return
	}
	h, err := s.Hooks.Create(r.Context(), userFrom(r.Context()).TenantID, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := viewHook(h)
	s.audited(r, audit.Change{Action: "webhook.create", ObjectType: "webhook", ObjectID: h.ID, ObjectName: h.Name, After: v})
	v.Secret = h.Secret // shown this once
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getHook(w http.ResponseWriter, r *http.Request) {
	h, err := s.Hooks.Get(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewHook(h))
}

func (s *Server) updateHook(w http.ResponseWriter, r *http.Request) {
	var in hooks.Input
	if !s.readJSON(w, r, &in) {
		return
	}
	tenant := userFrom(r.Context()).TenantID
	before, err := s.Hooks.Get(r.Context(), tenant, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := s.Hooks.Update(r.Context(), tenant, r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "webhook.update", ObjectType: "webhook", ObjectID: h.ID, ObjectName: h.Name,
		Before: viewHook(before), After: viewHook(h)})
	writeJSON(w, http.StatusOK, viewHook(h))
}

func (s *Server) deleteHook(w http.ResponseWriter, r *http.Request) {
	tenant := userFrom(r.Context()).TenantID
	before, err := s.Hooks.Get(r.Context(), tenant, r.PathValue("id"))
	if err == nil {
		err = s.Hooks.Delete(r.Context(), tenant, before.ID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "webhook.delete", ObjectType: "webhook", ObjectID: before.ID, ObjectName: before.Name, Before: viewHook(before)})
	w.WriteHeader(http.StatusNoContent)
}

// deliveryJSON is one attempt in the delivery log.
type deliveryJSON struct {
	ID         int64     `json:"id"`
	EventID    int64     `json:"event_id"`
	EventType  string    `json:"event_type"`
	ChatID     string    `json:"chat_id,omitempty"`
	Attempt    int       `json:"attempt"`
	StatusCode int       `json:"status_code"`
	Delivered  bool      `json:"delivered"`
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	At         time.Time `json:"at"`
}

func (s *Server) hookDeliveries(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	ds, err := s.Hooks.Deliveries(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id"), before, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]deliveryJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, deliveryJSON{ID: d.ID, EventID: d.EventID, EventType: d.EventType, ChatID: d.ChatID, Attempt: d.Attempt,
			StatusCode: d.StatusCode, Delivered: d.Delivered(), Error: d.Error, DurationMS: float64(d.Duration.Microseconds()) / 1000, At: d.CreatedAt})
	}
	resp := map[string]any{"deliveries": out}
	if len(ds) > 0 {
		resp["next_before"] = ds[len(ds)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
}
