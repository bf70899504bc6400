package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
)

// Schedules in Admin: hours of operation that entries and services name.

func (s *Server) scheduleRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/schedules", s.withPageUser(s.adminOnlyPage(s.adminSchedulesPage)))
	mux.HandleFunc("GET /api/admin/schedules", s.withRole(s.listSchedules, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/schedules", s.withRole(s.saveSchedule, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/schedules/{name}", s.withRole(s.deleteSchedule, parley.RoleAdmin))
}

func (s *Server) adminSchedulesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_schedules", "Schedules")
}

func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.AdminSchedules(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) saveSchedule(w http.ResponseWriter, r *http.Request) {
	var in parley.Schedule
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.Conversations.SaveSchedule(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "schedule.save", ObjectType: "schedule", ObjectID: v.Name, ObjectName: v.Name, After: v.Schedule})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := s.Conversations.DeleteSchedule(r.Context(), userFrom(r.Context()), name); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "schedule.delete", ObjectType: "schedule", ObjectID: name, ObjectName: name})
	w.WriteHeader(http.StatusNoContent)
}
