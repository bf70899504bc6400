package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// outboundRoutes let an agent or supervisor start a chat to a known
// customer from a service's outbound chat account (outbound_chat.go).
func (s *Server) outboundRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/outbound-services", s.withUser(s.listOutboundServices))
	mux.HandleFunc("GET /api/customers", s.withUser(s.searchCustomers))
	mux.HandleFunc("POST /api/chats", s.withUser(s.startChat))
}

func (s *Server) listOutboundServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := s.Conversations.OutboundServices(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": svcs})
}

func (s *Server) searchCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	found, err := s.Conversations.SearchCustomers(r.Context(), userFrom(r.Context()), q.Get("service_id"), q.Get("q"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"customers": found})
}

func (s *Server) startChat(w http.ResponseWriter, r *http.Request) {
	var req conversation.StartChatRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if !clientKey(req.ClientID) {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "client_id: 8 to 64 letters, digits, - or _"))
		return
	}
	chat, err := s.Conversations.StartChat(r.Context(), userFrom(r.Context()), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.ViewChat(r.Context(), chat)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}
