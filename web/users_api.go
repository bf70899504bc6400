package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// Users in Admin: create, edit (role, services, skills, capacity),
// deactivate, reactivate, reset a password. Every change is audited with
// the user before and after (never a password).

func (s *Server) userRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/users", s.withPageUser(s.adminOnlyPage(s.adminUsersPage)))
	mux.HandleFunc("GET /api/admin/users", s.withRole(s.listUsers, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/users", s.withRole(s.createUser, parley.RoleAdmin))
	mux.HandleFunc("GET /api/admin/users/{id}", s.withRole(s.getUser, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/users/{id}", s.withRole(s.updateUser, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/users/{id}/deactivate", s.withRole(s.deactivateUser, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/users/{id}/reactivate", s.withRole(s.reactivateUser, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/users/{id}/password", s.withRole(s.resetPassword, parley.RoleAdmin))
	mux.HandleFunc("GET /api/admin/not-ready-reasons", s.withRole(s.getNotReadyReasons, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/not-ready-reasons", s.withRole(s.setNotReadyReasons, parley.RoleAdmin))
}

func (s *Server) adminUsersPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_users", "Users")
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	list, err := s.Conversations.AdminUsers(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		*conversation.AdminUserList
		MinPassword int `json:"min_password"`
	}{list, conversation.MinPasswordLength})
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.AdminUser(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in conversation.UserInput
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.Conversations.CreateUser(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "user.create", ObjectType: "user", ObjectID: v.ID, ObjectName: v.Username, After: v})
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	var in conversation.UserInput
	if !s.readJSON(w, r, &in) {
		return
	}
	admin := userFrom(r.Context())
	before, err := s.Conversations.AdminUser(r.Context(), admin, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.UpdateUser(r.Context(), admin, r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "user.update", ObjectType: "user", ObjectID: v.ID, ObjectName: v.Username, Before: before, After: v})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) deactivateUser(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.DeactivateUser(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "user.deactivate", ObjectType: "user", ObjectID: v.ID, ObjectName: v.Username, After: v})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) reactivateUser(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.ReactivateUser(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "user.reactivate", ObjectType: "user", ObjectID: v.ID, ObjectName: v.Username, After: v})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Password string `json:"password"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	admin := userFrom(r.Context())
	if err := s.Conversations.ResetPassword(r.Context(), admin, r.PathValue("id"), in.Password); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.AdminUser(r.Context(), admin, r.PathValue("id"))
	if err == nil {
		s.audited(r, audit.Change{Action: "user.password_reset", ObjectType: "user", ObjectID: v.ID, ObjectName: v.Username})
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getNotReadyReasons(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.AdminNotReadyReasons(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) setNotReadyReasons(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reasons []string `json:"reasons"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	u := userFrom(r.Context())
	before, err := s.Conversations.AdminNotReadyReasons(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.SetNotReadyReasons(r.Context(), u, in.Reasons)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "not_ready_reasons.set", ObjectType: "tenant", ObjectID: u.TenantID, ObjectName: "Not Ready reasons", Before: before, After: v})
	writeJSON(w, http.StatusOK, v)
}
