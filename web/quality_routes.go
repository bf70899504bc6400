package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/web/ui"
)

// qualityRoutes adds supervision (monitor, whisper, barge), the
// transcripts search and export, evaluation forms and grades, and chats'
// surveys (issue 11).
func (s *Server) qualityRoutes(mux *http.ServeMux) {
	sup := []string{parley.RoleSupervisor, parley.RoleAdmin}
	mux.HandleFunc("GET /monitor/{id}", s.withPageUser(s.supervisorOnly("monitor", "Monitor")))
	mux.HandleFunc("GET /transcripts", s.withPageUser(s.supervisorOnly("transcripts", "Transcripts")))
	mux.HandleFunc("GET /transcripts/{id}", s.withPageUser(s.transcriptPrint))
	mux.HandleFunc("GET /quality/forms", s.withPageUser(s.supervisorOnly("quality_forms", "Evaluation forms")))
	mux.HandleFunc("POST /api/chats/{id}/monitor", s.withRole(s.monitorChat, sup...))
	mux.HandleFunc("POST /api/chats/{id}/whisper", s.withRole(s.whisper, sup...))
	mux.HandleFunc("POST /api/chats/{id}/barge", s.withRole(s.barge, sup...))
	mux.HandleFunc("GET /api/chats/{id}/supervision", s.withRole(s.supervisionLog, sup...))
	mux.HandleFunc("GET /api/transcripts", s.withRole(s.searchTranscripts, sup...))
	mux.HandleFunc("GET /api/transcripts/{id}", s.withRole(s.transcriptJSON, sup...))
	mux.HandleFunc("GET /api/quality/forms", s.withRole(s.listForms, sup...))
	mux.HandleFunc("PUT /api/quality/forms", s.withRole(s.saveForm, sup...))
	mux.HandleFunc("GET /api/chats/{id}/grades", s.withRole(s.listGrades, sup...))
	mux.HandleFunc("POST /api/chats/{id}/grades", s.withRole(s.gradeChat, sup...))
	mux.HandleFunc("GET /api/chats/{id}/survey", s.withRole(s.chatSurvey, sup...))
}

// supervisorOnly renders a page for supervisors and admins; 403 otherwise.
func (s *Server) supervisorOnly(page, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if u := userFrom(r.Context()); u == nil || (u.Role != parley.RoleSupervisor && u.Role != parley.RoleAdmin) {
			s.forbiddenPage(w, r, "This page is for supervisors and administrators.")
			return
		}
		s.render(w, r, page, title)
	}
}

func (s *Server) monitorChat(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.Monitor(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) whisper(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text string `json:"text"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	m, err := s.Conversations.Whisper(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.Conversations.ViewMessage(r.Context(), m))
}

func (s *Server) barge(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.Barge(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) supervisionLog(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.Supervisions(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"actions": v})
}

// searchTranscripts reads the search from the query string: from and to
// (RFC 3339 or YYYY-MM-DD, UTC), service, agent, customer, channel,
// disposition, state, q, cursor, limit.
func (s *Server) searchTranscripts(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q := conversation.TranscriptSearch{ServiceID: v.Get("service"), AgentID: v.Get("agent"), Customer: v.Get("customer"),
		Channel: v.Get("channel"), Disposition: v.Get("disposition"), State: v.Get("state"), Text: v.Get("q"), Cursor: v.Get("cursor")}
	var err error
	if q.From, err = queryTime(v.Get("from"), false); err != nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "from: %v", err))
		return
	}
	if q.To, err = queryTime(v.Get("to"), true); err != nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "to: %v", err))
		return
	}
	if l := v.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "limit must be a positive number"))
			return
		}
	}
	page, err := s.Conversations.SearchTranscripts(r.Context(), userFrom(r.Context()), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// queryTime reads an RFC 3339 time or a date (a date as "to" means the
// end of that day).
func queryTime(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2026-12-04) nor an RFC 3339 time", v)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// transcriptJSON exports one transcript; ?download=1 makes it a file.
func (s *Server) transcriptJSON(w http.ResponseWriter, r *http.Request) {
	t, err := s.Conversations.Transcript(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="transcript-%s.json"`, t.Chat.ID))
	}
	writeJSON(w, http.StatusOK, t)
}

// transcriptPage is the data of the printable transcript.
type transcriptPage struct {
	ui.PageData
	T *conversation.Transcript
}

// transcriptPrint is one transcript as a printable page without script.
func (s *Server) transcriptPrint(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	t, err := s.Conversations.Transcript(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	data := transcriptPage{PageData: ui.PageData{Title: "Transcript · " + t.Chat.Customer.Name, Demo: s.Simulator != nil,
		Page: "transcript_print", User: &ui.PageUser{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}}, T: t}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages["transcript_print"].ExecuteTemplate(w, ui.LayoutName, data); err != nil {
		s.writeError(w, r, err)
	}
}

// formJSON is a form as the browser edits it: the stored form and its
// YAML (as written in parley.yaml's evaluation_forms).
type formJSON struct {
	*parley.EvaluationForm
	Service string `json:"service"`
	YAML    string `json:"yaml"`
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	forms, err := s.Conversations.EvaluationForms(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	dir, err := s.Conversations.Directory(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, sv := range dir.Services {
		names[sv.ID] = sv.Name
	}
	out := []formJSON{}
	for _, f := range forms {
		y, err := config.FormYAML(config.EvaluationForm{Name: f.Name, Service: names[f.ServiceID], Sections: f.Sections})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out = append(out, formJSON{EvaluationForm: f, Service: names[f.ServiceID], YAML: string(y)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"forms": out})
}

// saveForm creates or changes a form from its YAML; a problem is a 400
// naming the line ("form:7: sections[0]…").
func (s *Server) saveForm(w http.ResponseWriter, r *http.Request) {
	var req struct {
		YAML string `json:"yaml"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	u := userFrom(r.Context())
	dir, err := s.Conversations.Directory(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ids, names := map[string]string{}, map[string]bool{}
	for _, sv := range dir.Services {
		ids[sv.Name], names[sv.Name] = sv.ID, true
	}
	decl, err := config.ParseForm("form", []byte(req.YAML), names)
	if err != nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "%v", err))
		return
	}
	f := decl.Form(u.TenantID, ids[decl.Service])
	if err := s.Conversations.SaveEvaluationForm(r.Context(), u, f); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, formJSON{EvaluationForm: f, Service: decl.Service, YAML: req.YAML})
}

func (s *Server) listGrades(w http.ResponseWriter, r *http.Request) {
	gs, err := s.Conversations.Grades(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"grades": gs})
}

func (s *Server) gradeChat(w http.ResponseWriter, r *http.Request) {
	var req conversation.GradeRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	g, err := s.Conversations.Grade(r.Context(), userFrom(r.Context()), r.PathValue("id"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, g)
}

func (s *Server) chatSurvey(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Conversations.ChatSurvey(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"survey": cs})
}
