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
// every open chat of their tenant, or with ?mine=true only their own.
func (s *Server) listChats(w http.ResponseWriter, r *http.Request) {
	mine := false
	if v := r.URL.Query().Get("mine"); v != "" {
		var err error
		if mine, err = strconv.ParseBool(v); err != nil {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "mine must be true or false"))
			return
		}
	}
	limit, ok := s.limitParam(w, r)
	if !ok {
		return
	}
	page, err := s.Conversations.ChatsFor(r.Context(), userFrom(r.Context()), mine, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{"chats": page.Chats}
	if page.Next != "" {
		out["next_cursor"] = page.Next
	}
	writeJSON(w, http.StatusOK, out)
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
	limit, ok := s.limitParam(w, r)
	if !ok {
		return
	}
	page, err := s.Conversations.ChatMessages(r.Context(), userFrom(r.Context()), r.PathValue("id"), after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{"messages": page.Messages}
	if page.NextAfter != 0 {
		out["next_after"] = page.NextAfter
	}
	writeJSON(w, http.StatusOK, out)
}

// limitParam reads ?limit= (0 when absent); a bad one is answered 400.
func (s *Server) limitParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	q := r.URL.Query().Get("limit")
	if q == "" {
		return 0, true
	}
	n, err := strconv.Atoi(q)
	if err != nil || n <= 0 {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "limit must be a positive number"))
		return 0, false
	}
	return n, true
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text     string `json:"text"`
		ClientID string `json:"client_id"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if !clientKey(req.ClientID) {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "client_id: 8 to 64 letters, digits, - or _"))
		return
	}
	m, err := s.Conversations.ReplyOnce(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Text, req.ClientID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.Conversations.ViewMessage(r.Context(), m))
}

// clientKey reports whether k can be a send's client_id: empty (none),
// or 8 to 64 letters, digits, '-' or '_'.
func clientKey(k string) bool {
	if k == "" {
		return true
	}
	if len(k) < 8 || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// closeChat ends the agent's part of a chat; an optional body sets its
// wrap-up (disposition, notes) first.
func (s *Server) closeChat(w http.ResponseWriter, r *http.Request) {
	var wrap *conversation.WrapUpRequest
	if r.ContentLength > 0 {
		wrap = &conversation.WrapUpRequest{}
		if !s.readJSON(w, r, wrap) {
			return
		}
	}
	if err := s.Conversations.CloseWithWrapUp(r.Context(), userFrom(r.Context()), r.PathValue("id"), wrap); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
