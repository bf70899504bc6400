package web

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// routingRoutes adds the routing engine's endpoints: offers, agent status
// with Not Ready reasons, transfers, conferences, the supervisor's page,
// view and priority override.
func (s *Server) routingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /supervisor", s.withPageUser(s.supervisorPage))
	mux.HandleFunc("GET /api/supervisor", s.withRole(s.supervisorView, parley.RoleSupervisor, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/chats/{id}/priority", s.withRole(s.setPriority, parley.RoleSupervisor, parley.RoleAdmin))
	mux.HandleFunc("GET /api/routing/directory", s.withUser(s.routingDirectory))
	mux.HandleFunc("GET /api/me/routing", s.withUser(s.myRouting))
	mux.HandleFunc("PUT /api/me/status", s.withUser(s.setStatus))
	mux.HandleFunc("GET /api/offers", s.withUser(s.myOffers))
	mux.HandleFunc("POST /api/chats/{id}/accept", s.withUser(s.acceptOffer))
	mux.HandleFunc("POST /api/chats/{id}/reject", s.withUser(s.rejectOffer))
	mux.HandleFunc("POST /api/chats/{id}/transfer", s.withUser(s.transferChat))
	mux.HandleFunc("POST /api/chats/{id}/invite", s.withUser(s.inviteAgent))
}

// supervisorPage shows queues, agents and chats; 403 for agents.
func (s *Server) supervisorPage(w http.ResponseWriter, r *http.Request) {
	if u := userFrom(r.Context()); u == nil || (u.Role != parley.RoleSupervisor && u.Role != parley.RoleAdmin) {
		s.forbiddenPage(w, r, "The supervisor view is for supervisors and administrators.")
		return
	}
	s.render(w, r, "supervisor", "Supervisor")
}

func (s *Server) supervisorView(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.Supervisor(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) setPriority(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Priority int `json:"priority"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if err := s.Conversations.SetPriority(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Priority); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "chat.priority", ObjectType: "chat", ObjectID: r.PathValue("id"), After: map[string]int{"priority": req.Priority}})
	w.WriteHeader(http.StatusNoContent)
}

// directoryEntry is an agent or service a chat can be transferred to.
type directoryEntry struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state,omitempty"`
	Present bool   `json:"present,omitempty"`
}

// routingDirectory lists the tenant's agents and services (transfer and
// conference targets) and the Not Ready reasons.
func (s *Server) routingDirectory(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	dir, err := s.Conversations.Directory(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	users, svcs := dir.Agents, dir.Services
	agents, services := []directoryEntry{}, []directoryEntry{}
	for _, a := range users {
		if a.Role != parley.RoleAgent || a.ID == u.ID {
			continue
		}
		v, err := s.Conversations.AgentView(r.Context(), a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		agents = append(agents, directoryEntry{ID: a.ID, Name: a.DisplayName, State: a.State, Present: v.Present})
	}
	for _, sv := range svcs {
		services = append(services, directoryEntry{ID: sv.ID, Name: sv.Name})
	}
	reasons, err := s.Conversations.NotReadyReasons(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": agents, "services": services, "reasons": reasons})
}

func (s *Server) myRouting(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.AgentView(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request) {
	var req struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	u, err := s.Conversations.SetAgentStatus(r.Context(), userFrom(r.Context()), req.State, req.Reason)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.AgentView(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) myOffers(w http.ResponseWriter, r *http.Request) {
	offers, err := s.Conversations.MyOffers(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"offers": offers})
}

func (s *Server) acceptOffer(w http.ResponseWriter, r *http.Request) {
	chat, err := s.Conversations.AcceptOffer(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.writeChat(w, r, chat, err)
}

func (s *Server) rejectOffer(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.RejectOffer(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) transferChat(w http.ResponseWriter, r *http.Request) {
	var req conversation.TransferRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if err := s.Conversations.Transfer(r.Context(), userFrom(r.Context()), r.PathValue("id"), req); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) inviteAgent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AgentID string `json:"agent_id"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if err := s.Conversations.Invite(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.AgentID); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
