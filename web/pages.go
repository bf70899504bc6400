package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/parleycc/parley/web/ui"
)

func (s *Server) render(w http.ResponseWriter, r *http.Request, page, title string) {
	s.renderData(w, r, http.StatusOK, page, ui.PageData{Title: title})
}

// forbiddenPage answers 403 with a styled page that says which role the
// page needs, keeping the header so the user can go where they may.
func (s *Server) forbiddenPage(w http.ResponseWriter, r *http.Request, message string) {
	s.renderData(w, r, http.StatusForbidden, "forbidden", ui.PageData{Title: "Not allowed", Message: message})
}

func (s *Server) renderData(w http.ResponseWriter, r *http.Request, status int, page string, data ui.PageData) {
	data.Demo = s.Simulator != nil
	data.Page = page
	if u := userFrom(r.Context()); u != nil {
		data.User = &ui.PageUser{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}
	}
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, ui.LayoutName, data); err != nil {
		s.writeError(w, r, fmt.Errorf("render %s page: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// loginPage shows the login form, or sends a logged-in visitor on.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.sessionUser(r); err == nil {
		http.Redirect(w, r, "/desktop", http.StatusFound)
		return
	}
	n, err := s.Conversations.TenantCount(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.renderData(w, r, http.StatusOK, "login", ui.PageData{Title: "Log in", AskTenant: n > 1})
}

// plainHTTPOrigin is an http origin safe to write into a policy.
var plainHTTPOrigin = regexp.MustCompile(`^http://[a-z0-9.\-]+(:[0-9]+)?$|^http://\[[0-9a-f:.]+\](:[0-9]+)?$`)

// desktopPage serves the Agent Desktop. Its policy lets it frame the
// screen pops of the tenant's services: any https page (a CRM configured
// later needs no new policy), and the plain-http origins configured now
// (a CRM on the LAN, the demo's).
func (s *Server) desktopPage(w http.ResponseWriter, r *http.Request) {
	frames := []string{"'self'", "https:"}
	origins, err := s.Conversations.ScreenPopOrigins(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.Logger.Warn("screen pop origins", slog.Any("err", err))
	}
	for _, o := range origins {
		if plainHTTPOrigin.MatchString(o) {
			frames = append(frames, o)
		}
	}
	w.Header().Set("Content-Security-Policy", pagePolicy+"; frame-src "+strings.Join(frames, " "))
	s.render(w, r, "desktop", "Agent Desktop")
}

func (s *Server) simulatorPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "simulator", "Messenger simulator")
}

// simulatorWebsitePage is the demo's stand-in for a shop's website with a
// Send to Messenger button: a click has the simulator post the opt-in
// webhook for its Messenger customer (demo mode only).
func (s *Server) simulatorWebsitePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "simulator_website", "Demo shop")
}
