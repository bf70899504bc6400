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
	u := userFrom(r.Context())
	f := parley.ChatFilter{TenantID: u.TenantID, States: []string{parley.ChatAssigned}, Limit: 200}
	if u.Role == parley.RoleAgent {
		f.AgentID = u.ID
	} else {
		f.States = []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}
	}
	chats, err := s.Store.Chats(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if u.Role == parley.RoleAgent {
		if chats, err = s.withConferences(r.Context(), u, chats); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	views := make([]*conversation.ChatView, 0, len(chats))
	for _, c := range chats {
		v, err := s.Conversations.ViewChat(r.Context(), c)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		views = append(views, v)
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
	chat, err := s.Conversations.AgentChat(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var after int64
	if a := r.URL.Query().Get("after"); a != "" {
		if after, err = strconv.ParseInt(a, 10, 64); err != nil || after < 0 {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "after must be a message sequence number"))
			return
		}
	}
	msgs, err := s.Store.Messages(r.Context(), chat.ID, after)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]*conversation.MessageView, 0, len(msgs))
	for _, m := range msgs {
		views = append(views, s.Conversations.ViewMessage(r.Context(), m))
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
