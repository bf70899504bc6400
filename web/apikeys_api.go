package web

import (
	"net/http"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
)

// API keys in Admin: integrations call the REST API with
// `Authorization: Bearer <token>`.

func (s *Server) apiKeyRoutes(mux *http.ServeMux) {
	if s.Keys == nil {
		return
	}
	mux.HandleFunc("GET /admin/api-keys", s.withPageUser(s.adminOnlyPage(s.adminAPIKeysPage)))
	mux.HandleFunc("GET /api/admin/api-keys", s.withRole(s.listAPIKeys, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/api-keys", s.withRole(s.createAPIKey, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/api-keys/{id}", s.withRole(s.revokeAPIKey, parley.RoleAdmin))
}

func (s *Server) adminAPIKeysPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_api_keys", "API keys")
}

// apiKeyJSON is a key as the API shows it: the token only in the answer
// that creates it.
type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Hint       string     `json:"hint"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Token      string     `json:"token,omitempty"`
}

func viewAPIKey(k *parley.APIKey) apiKeyJSON {
	v := apiKeyJSON{ID: k.ID, Name: k.Name, Role: k.Role, Hint: k.Hint, CreatedBy: k.CreatedBy, CreatedAt: k.CreatedAt}
	if !k.LastUsedAt.IsZero() {
		v.LastUsedAt = &k.LastUsedAt
	}
	if !k.RevokedAt.IsZero() {
		v.RevokedAt = &k.RevokedAt
	}
	return v
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	ks, err := s.Keys.List(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]apiKeyJSON, 0, len(ks))
	for _, k := range ks {
		out = append(out, viewAPIKey(k))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	k, token, err := s.Keys.Create(r.Context(), userFrom(r.Context()), in.Name, in.Role)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := viewAPIKey(k)
	s.audited(r, audit.Change{Action: "api_key.create", ObjectType: "api_key", ObjectID: k.ID, ObjectName: k.Name, After: v})
	v.Token = token
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	if err := s.Keys.Revoke(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "api_key.revoke", ObjectType: "api_key", ObjectID: r.PathValue("id")})
	w.WriteHeader(http.StatusNoContent)
}
