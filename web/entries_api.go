package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// Entries in Admin: which account runs which scenario for which service.

func (s *Server) entryRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/entries", s.withPageUser(s.adminOnlyPage(s.adminEntriesPage)))
	mux.HandleFunc("GET /api/admin/entries", s.withRole(s.listEntries, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/entries", s.withRole(s.saveEntry, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/entries/{id}", s.withRole(s.deleteEntry, parley.RoleAdmin))
}

func (s *Server) adminEntriesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_entries", "Entries")
}

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.AdminEntries(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) saveEntry(w http.ResponseWriter, r *http.Request) {
	var in conversation.EntryInput
	if !s.readJSON(w, r, &in) {
		return
	}
	v, err := s.Conversations.SaveEntry(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "entry.save", ObjectType: "entry", ObjectID: v.ID, ObjectName: v.Name, After: v})
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.DeleteEntry(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "entry.delete", ObjectType: "entry", ObjectID: r.PathValue("id")})
	w.WriteHeader(http.StatusNoContent)
}
