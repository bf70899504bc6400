package web

import (
	"net/http"

	"github.com/parleycc/parley"
)

// kbRoutes adds the knowledge base: its public article pages (the
// Messenger webview), the admin page, and the JSON API. Admins and
// supervisors manage articles; every logged-in user searches and reads
// the published ones (web/kb_api.go, web/kb_pages.go).
func (s *Server) kbRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /kb/{tenant}/articles/{id}", s.kbArticlePage)
	mux.HandleFunc("GET /admin/kb", s.withPageUser(s.kbManagersOnlyPage(s.adminKBPage)))

	mux.HandleFunc("GET /api/kb/articles", s.withUser(s.listArticles))
	mux.HandleFunc("POST /api/kb/articles", s.withRole(s.createArticle, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("GET /api/kb/articles/{id}", s.withUser(s.getArticle))
	mux.HandleFunc("PUT /api/kb/articles/{id}", s.withRole(s.updateArticle, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("DELETE /api/kb/articles/{id}", s.withRole(s.deleteArticle, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("GET /api/kb/search", s.withUser(s.searchArticles))
	mux.HandleFunc("POST /api/kb/preview", s.withRole(s.previewArticle, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("POST /api/kb/import", s.withRole(s.importArticles, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("GET /api/kb/synonyms", s.withRole(s.getSynonyms, parley.RoleAdmin, parley.RoleSupervisor))
	mux.HandleFunc("PUT /api/kb/synonyms", s.withRole(s.putSynonyms, parley.RoleAdmin, parley.RoleSupervisor))
}

// kbManager reports whether u may manage the knowledge base (and see
// unpublished articles).
func kbManager(u *parley.User) bool {
	return u != nil && (u.Role == parley.RoleAdmin || u.Role == parley.RoleSupervisor)
}

// kbManagersOnlyPage answers 403 to logged-in users who may not manage
// the knowledge base, like adminOnlyPage.
func (s *Server) kbManagersOnlyPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !kbManager(userFrom(r.Context())) {
			s.forbiddenPage(w, r, "The knowledge base is managed by administrators and supervisors.")
			return
		}
		h(w, r)
	}
}
