package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// Teams in Admin: create, rename, delete; Admin → Users puts users in
// them. Deleting a team with members leaves them without a team. Every
// change is audited with the team before and after.

func (s *Server) teamRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/teams", s.withPageUser(s.adminOnlyPage(s.adminTeamsPage)))
	mux.HandleFunc("GET /api/admin/teams", s.withRole(s.listTeams, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/teams", s.withRole(s.createTeam, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/teams/{id}", s.withRole(s.updateTeam, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/teams/{id}", s.withRole(s.deleteTeam, parley.RoleAdmin))
}

func (s *Server) adminTeamsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_teams", "Teams")
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	teams, err := s.Conversations.AdminTeams(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Teams []conversation.AdminTeamView `json:"teams"`
	}{teams})
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var in conversation.TeamInput
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.Conversations.CreateTeam(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "team.create", ObjectType: "team", ObjectID: v.ID, ObjectName: v.Name, After: v})
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request) {
	var in conversation.TeamInput
	if !s.readJSON(w, r, &in) {
		return
	}
	admin := userFrom(r.Context())
	before, err := s.Conversations.AdminTeam(r.Context(), admin, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.UpdateTeam(r.Context(), admin, r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "team.update", ObjectType: "team", ObjectID: v.ID, ObjectName: v.Name, Before: before, After: v})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) {
	admin := userFrom(r.Context())
	before, err := s.Conversations.AdminTeam(r.Context(), admin, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Conversations.DeleteTeam(r.Context(), admin, before.ID); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "team.delete", ObjectType: "team", ObjectID: before.ID, ObjectName: before.Name, Before: before})
	w.WriteHeader(http.StatusNoContent)
}
