package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// Services in Admin: create a service, edit its limits, routing and
// desktop settings (dispositions, screen pop). Audited before and after.

func (s *Server) serviceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/services", s.withPageUser(s.adminOnlyPage(s.adminServicesPage)))
	mux.HandleFunc("GET /api/admin/services", s.withRole(s.listAdminServices, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/services", s.withRole(s.createService, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/services/{id}", s.withRole(s.updateService, parley.RoleAdmin))
}

func (s *Server) adminServicesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_services", "Services")
}

func (s *Server) listAdminServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := s.Conversations.AdminServices(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": svcs, "default_after_hours_message": parley.DefaultAfterHoursMessage})
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request) {
	var in conversation.ServiceInput
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.Conversations.CreateService(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "service.create", ObjectType: "service", ObjectID: v.ID, ObjectName: v.Name, After: v})
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) updateService(w http.ResponseWriter, r *http.Request) {
	var in conversation.ServiceInput
	if !s.readJSON(w, r, &in) {
		return
	}
	admin := userFrom(r.Context())
	before, err := s.Conversations.AdminService(r.Context(), admin, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.UpdateService(r.Context(), admin, r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "service.update", ObjectType: "service", ObjectID: v.ID, ObjectName: v.Name, Before: before, After: v})
	writeJSON(w, http.StatusOK, v)
}
