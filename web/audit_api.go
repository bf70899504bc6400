package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
)

// Admin → Audit: who changed what and when.

func (s *Server) auditRoutes(mux *http.ServeMux) {
	if s.Audit == nil {
		return
	}
	mux.HandleFunc("GET /admin/audit", s.withPageUser(s.adminOnlyPage(s.adminAuditPage)))
	mux.HandleFunc("GET /api/admin/audit", s.withRole(s.searchAudit, parley.RoleAdmin))
}

func (s *Server) adminAuditPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_audit", "Audit trail")
}

// audited records a change the request made. The change is done by then,
// so a failure to record it is logged, not returned to the user.
func (s *Server) audited(r *http.Request, c audit.Change) {
	if s.Audit == nil {
		return
	}
	if err := s.Audit.Record(r.Context(), userFrom(r.Context()), c); err != nil {
		s.Logger.Error("audit", slog.String("action", c.Action), slog.Any("err", err))
	}
}

type auditJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id,omitempty"`
	ObjectName string          `json:"object_name,omitempty"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}

func (s *Server) searchAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := parley.AuditFilter{TenantID: userFrom(r.Context()).TenantID, Actor: q.Get("actor"), ObjectType: q.Get("object_type"), Text: q.Get("q")}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.writeError(w, r, parley.Errorf(parley.EINVALID, "%s: %q is not an RFC 3339 time", name, v))
				return
			}
			*dst = t
		}
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	es, err := s.Audit.Search(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]auditJSON, 0, len(es))
	for _, e := range es {
		out = append(out, auditJSON{ID: e.ID, At: e.At, Actor: e.ActorName, Action: e.Action, ObjectType: e.ObjectType,
			ObjectID: e.ObjectID, ObjectName: e.ObjectName, Before: e.Before, After: e.After})
	}
	resp := map[string]any{"entries": out}
	if len(es) > 0 {
		resp["next_before"] = es[len(es)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
}
