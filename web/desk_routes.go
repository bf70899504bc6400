package web

import (
	"html/template"
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// deskRoutes adds the Agent Desktop's data (issue 10): canned responses,
// wrap-up, the customer panel and history, screen pop, a service's desk
// settings, the canned responses page and, in the demo, a small CRM page
// for the screen pop to open.
func (s *Server) deskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /canned", s.withPageUser(s.cannedPage))
	mux.HandleFunc("GET /api/canned", s.withUser(s.listCanned))
	mux.HandleFunc("POST /api/canned", s.withUser(s.createCanned))
	mux.HandleFunc("PUT /api/canned/{id}", s.withUser(s.updateCanned))
	mux.HandleFunc("DELETE /api/canned/{id}", s.withUser(s.deleteCanned))
	mux.HandleFunc("GET /api/chats/{id}/canned/{canned}", s.withUser(s.fillCanned))
	mux.HandleFunc("POST /api/chats/{id}/canned/{canned}/attachments", s.withUser(s.sendCannedAttachments))
	mux.HandleFunc("GET /api/chats/{id}/wrapup", s.withUser(s.getWrapUp))
	mux.HandleFunc("PUT /api/chats/{id}/wrapup", s.withUser(s.putWrapUp))
	mux.HandleFunc("GET /api/chats/{id}/customer", s.withUser(s.customerPanel))
	mux.HandleFunc("PUT /api/chats/{id}/customer/contact", s.withUser(s.putContact))
	mux.HandleFunc("GET /api/chats/{id}/transcript", s.withUser(s.transcript))
	mux.HandleFunc("GET /api/chats/{id}/screenpop", s.withUser(s.screenPop))
	mux.HandleFunc("GET /api/services/{id}/desk", s.withRole(s.getServiceDesk, parley.RoleSupervisor, parley.RoleAdmin))
	mux.HandleFunc("PUT /api/services/{id}/desk", s.withRole(s.putServiceDesk, parley.RoleSupervisor, parley.RoleAdmin))
	if s.Simulator != nil {
		mux.HandleFunc("GET /demo/crm", s.demoCRM)
	}
}

func (s *Server) cannedPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "canned", "Canned responses")
}

func (s *Server) listCanned(w http.ResponseWriter, r *http.Request) {
	list, err := s.Conversations.CannedResponses(r.Context(), userFrom(r.Context()), r.URL.Query().Get("chat"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"canned": list})
}

func (s *Server) createCanned(w http.ResponseWriter, r *http.Request) {
	s.saveCanned(w, r, "", http.StatusCreated)
}

func (s *Server) updateCanned(w http.ResponseWriter, r *http.Request) {
	s.saveCanned(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) saveCanned(w http.ResponseWriter, r *http.Request, id string, status int) {
	var req struct {
		Scope        string                    `json:"scope"`
		ServiceID    string                    `json:"service_id"`
		Title        string                    `json:"title"`
		Shortcut     string                    `json:"shortcut"`
		Text         string                    `json:"text"`
		Attachments  []parley.CannedAttachment `json:"attachments"`
		QuickReplies []string                  `json:"quick_replies"`
		Buttons      []parley.CannedButton     `json:"buttons"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	c := &parley.CannedResponse{ID: id, Scope: req.Scope, ServiceID: req.ServiceID, Title: req.Title, Shortcut: req.Shortcut,
		Text: req.Text, Attachments: req.Attachments, QuickReplies: req.QuickReplies, Buttons: req.Buttons}
	if err := s.Conversations.SaveCannedResponse(r.Context(), userFrom(r.Context()), c); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, c)
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.DeleteCannedResponse(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) fillCanned(w http.ResponseWriter, r *http.Request) {
	f, err := s.Conversations.FillCanned(r.Context(), userFrom(r.Context()), r.PathValue("id"), r.PathValue("canned"))
	s.answer(w, r, f, err)
}

func (s *Server) sendCannedAttachments(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.Conversations.SendCannedAttachments(r.Context(), userFrom(r.Context()), r.PathValue("id"), r.PathValue("canned"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"messages": s.Conversations.ViewMessages(r.Context(), msgs)})
}

func (s *Server) getWrapUp(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.WrapUp(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.answer(w, r, v, err)
}

func (s *Server) putWrapUp(w http.ResponseWriter, r *http.Request) {
	var req conversation.WrapUpRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	v, err := s.Conversations.SaveWrapUp(r.Context(), userFrom(r.Context()), r.PathValue("id"), req)
	s.answer(w, r, v, err)
}

func (s *Server) customerPanel(w http.ResponseWriter, r *http.Request) {
	p, err := s.Conversations.CustomerPanel(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.answer(w, r, p, err)
}

func (s *Server) putContact(w http.ResponseWriter, r *http.Request) {
	var req conversation.ContactRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	c, err := s.Conversations.SaveContact(r.Context(), userFrom(r.Context()), r.PathValue("id"), req)
	s.answer(w, r, c, err)
}

func (s *Server) transcript(w http.ResponseWriter, r *http.Request) {
	t, err := s.Conversations.HistoryTranscript(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.answer(w, r, t, err)
}

func (s *Server) screenPop(w http.ResponseWriter, r *http.Request) {
	p, err := s.Conversations.ScreenPop(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.answer(w, r, p, err)
}

func (s *Server) getServiceDesk(w http.ResponseWriter, r *http.Request) {
	d, err := s.Conversations.ServiceDesk(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	s.answer(w, r, d, err)
}

func (s *Server) putServiceDesk(w http.ResponseWriter, r *http.Request) {
	var d parley.ServiceDesk
	if !s.readJSON(w, r, &d) {
		return
	}
	if err := s.Conversations.SetServiceDesk(r.Context(), userFrom(r.Context()), r.PathValue("id"), d); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.getServiceDesk(w, r)
}

// answer writes v as JSON, or err.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// demoCRMPage is the demo's stand-in for a CRM: the screen pop of the
// demo's Support service opens it with the customer's PSID and email.
var demoCRMPage = template.Must(template.New("crm").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo CRM</title><link rel="stylesheet" href="/static/style.css"></head>
<body class="demo-crm"><main class="demo-crm-card">
<p class="demo-crm-brand">Demo CRM</p>
<h1>Customer record</h1>
<dl>
<dt>Name</dt><dd id="crm-name">{{or .Name "—"}}</dd>
<dt>PSID</dt><dd id="crm-psid">{{or .PSID "—"}}</dd>
<dt>Email</dt><dd id="crm-email">{{or .Email "—"}}</dd>
<dt>Plan</dt><dd>Gold · customer since 2021</dd>
<dt>Open tickets</dt><dd>None</dd>
</dl>
<p class="muted">This page stands in for your CRM: a service's <code>screen_pop</code> URL opens it when an agent accepts a chat.</p>
</main></body></html>`))

// demoCRM serves the demo CRM page (demo mode only).
func (s *Server) demoCRM(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'")
	_ = demoCRMPage.Execute(w, map[string]string{"Name": q.Get("name"), "PSID": q.Get("psid"), "Email": q.Get("email")})
}
