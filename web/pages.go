package web

import (
	"net/http"

	"github.com/parleycc/parley/web/ui"
)

func (s *Server) render(w http.ResponseWriter, r *http.Request, page, title string) {
	data := ui.PageData{Title: title, Demo: s.Simulator != nil}
	if u := userFrom(r.Context()); u != nil {
		data.User = &ui.PageUser{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages[page].ExecuteTemplate(w, ui.LayoutName, data); err != nil {
		s.writeError(w, r, err)
	}
}

// loginPage shows the login form, or sends a logged-in visitor on.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.sessionUser(r); err == nil {
		http.Redirect(w, r, "/desktop", http.StatusFound)
		return
	}
	s.render(w, r, "login", "Log in")
}

func (s *Server) desktopPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "desktop", "Agent Desktop")
}

func (s *Server) simulatorPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "simulator", "Messenger simulator")
}
