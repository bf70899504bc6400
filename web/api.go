package web

import (
	"net/http"
	"strconv"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, conversation.UserView(userFrom(r.Context())))
}

func (s *Server) setState(w http.ResponseWriter, r *http.Request) {
	var req struct {
		State string `json:"state"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	u, err := s.Conversations.SetAgentState(r.Context(), userFrom(r.Context()), req.State)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, conversation.UserView(u))
}

// listChats answers the chats an agent works on; supervisors and admins see
// every open chat of their tenant.
func (s *Server) listChats(w http.ResponseWriter, r *http.Request) {
	views, err := s.Conversations.ChatsFor(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"chats": views})
}

func (s *Server) getChat(w http.ResponseWriter, r *http.Request) {
	chat, err := s.Conversations.AgentChat(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.writeChat(w, r, chat, err)
}

// writeChat answers with the view of chat, or with err when the handler's
// call failed.
func (s *Server) writeChat(w http.ResponseWriter, r *http.Request, chat *parley.Chat, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.ViewChat(r.Context(), chat)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	var after int64
	if a := r.URL.Query().Get("after"); a != "" {
		var err error
		if after, err = strconv.ParseInt(a, 10, 64); err != nil || after < 0 {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "after must be a message sequence number"))
			return
		}
	}
	views, err := s.Conversations.ChatMessages(r.Context(), userFrom(r.Context()), r.PathValue("id"), after)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": views})
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text string `json:"text"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	m, err := s.Conversations.Reply(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.Conversations.ViewMessage(r.Context(), m))
}

func (s *Server) closeChat(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.CloseByAgent(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
