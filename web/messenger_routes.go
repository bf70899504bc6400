package web

import (
	"net/http"

	"github.com/parleycc/parley"
)

// messengerRoutes adds the Messenger integration's endpoints: the Admin
// accounts page and API, channel health for supervisors, stored files, and
// the desktop's uploads, rich replies, sender actions and channel panel.
func (s *Server) messengerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/accounts", s.withPageUser(s.adminOnlyPage(s.adminAccountsPage)))
	mux.HandleFunc("GET /api/admin/accounts", s.withRole(s.listAccounts, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/accounts", s.withRole(s.createAccount, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/admin/accounts/{id}", s.withRole(s.updateAccount, parley.RoleAdmin))
	mux.HandleFunc("DELETE /api/admin/accounts/{id}", s.withRole(s.deleteAccount, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/accounts/{id}/check", s.withRole(s.checkAccount, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/accounts/{id}/webhook", s.withRole(s.setWebhook, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/accounts/{id}/website-button", s.withRole(s.websiteButton, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/accounts/test", s.withRole(s.testConnection, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/verify-token", s.withRole(s.generateVerifyToken, parley.RoleAdmin))
	mux.HandleFunc("GET /api/channels/health", s.withRole(s.channelHealth, parley.RoleSupervisor, parley.RoleAdmin))

	mux.HandleFunc("GET /files/{id}", s.withUser(s.serveFile))
	mux.HandleFunc("POST /api/chats/{id}/files", s.withUser(s.uploadFile))
	mux.HandleFunc("POST /api/chats/{id}/rich", s.withUser(s.postRichMessage))
	mux.HandleFunc("POST /api/chats/{id}/action", s.withUser(s.senderAction))
	mux.HandleFunc("GET /api/chats/{id}/channel", s.withUser(s.chatChannel))
}

// adminOnlyPage answers 403 to logged-in users who are not admins.
func (s *Server) adminOnlyPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if u := userFrom(r.Context()); u == nil || u.Role != parley.RoleAdmin {
			s.forbiddenPage(w, r, "Integration accounts are managed by administrators.")
			return
		}
		h(w, r)
	}
}
