// Package web is Parley's only HTTP layer: platform webhooks, the JSON API
// of the Agent Desktop, its live event stream, the HTML pages and health
// checks. Handlers translate HTTP to calls on the conversation service and
// the store; they hold no business rules.
package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/auth"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/hooks"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/web/ui"
)

// Server holds the HTTP handlers' collaborators.
type Server struct {
	Bus           parley.Bus
	Conversations *conversation.Service
	Auth          *auth.Service
	Logger        *slog.Logger
	Clock         parley.Clock
	// Simulator, when set (demo mode), serves /simulator/api/ and the fake
	// Graph API under /simulator/graph/.
	Simulator http.Handler
	// SecureCookies marks the session cookie Secure (HTTPS deployments).
	SecureCookies bool
	// Reloader, when set, re-applies the configuration file
	// (POST /api/admin/config/reload).
	Reloader ConfigReloader
	// APIBaseURLs says which Graph API base URLs admins may set through
	// the API: BaseURLsNone (the default when empty), BaseURLsLoopback or
	// BaseURLsAny.
	APIBaseURLs string
	// PublicURL is how platforms and browsers reach the server (the
	// webhook URLs the Admin page shows); empty: the request's own host.
	PublicURL string
	KB        *kb.Service    // the knowledge base (web/kb_routes.go)
	Hooks     *hooks.Service // outgoing webhooks (web/hooks_api.go); nil: none
	Keys      *auth.Keys     // API keys (web/apikeys_api.go); nil: none
	Audit     *audit.Log     // the audit trail (web/audit_api.go); nil: none
	// Metrics serves GET /metrics (Prometheus); MetricsToken, when set, is
	// the bearer token it asks for (web/metrics.go).
	Metrics      http.Handler
	MetricsToken string

	pages map[string]*template.Template
	live  liveFeed  // see live.go
	wall  wallCache // wallboards shared by the streams (wallboard.go)
}

// Handler builds the routing table.
func (s *Server) Handler() (http.Handler, error) {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Clock == nil {
		s.Clock = parley.SystemClock{}
	}
	pages, err := ui.Pages()
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	s.pages = pages
	static, err := fs.Sub(ui.Static, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /webhooks/facebook", s.facebookVerify)
	mux.HandleFunc("POST /webhooks/facebook", s.countWebhook(parley.ChannelFacebook, s.facebookWebhook))
	mux.HandleFunc("GET /webhooks/{type}/{account}", s.accountHandshake)
	mux.HandleFunc("POST /webhooks/{type}/{account}", s.countWebhook("", s.accountWebhook))
	mux.HandleFunc("GET /metrics", s.metrics)

	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/desktop", http.StatusFound) })
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("GET /desktop", s.withPageUser(s.desktopPage))

	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("POST /api/logout", s.logout)
	mux.HandleFunc("GET /api/me", s.withUser(s.me))
	mux.HandleFunc("PUT /api/me/state", s.withUser(s.setState))
	mux.HandleFunc("GET /api/me/sessions", s.withUser(s.listSessions))
	mux.HandleFunc("DELETE /api/me/sessions/{id}", s.withUser(s.revokeSession))
	mux.HandleFunc("GET /api/chats", s.withUser(s.listChats))
	mux.HandleFunc("GET /api/chats/{id}", s.withUser(s.getChat))
	mux.HandleFunc("GET /api/chats/{id}/messages", s.withUser(s.listMessages))
	mux.HandleFunc("POST /api/chats/{id}/messages", s.withUser(s.postMessage))
	mux.HandleFunc("POST /api/chats/{id}/close", s.withUser(s.closeChat))
	mux.HandleFunc("GET /api/events", s.withUser(s.events))
	s.messengerRoutes(mux)
	// Admin: scenarios and the configuration file (web/admin_scenarios.go).
	mux.HandleFunc("GET /admin/scenarios", s.withPageUser(s.adminScenariosPage))
	mux.HandleFunc("GET /api/admin/scenarios", s.withRole(s.listScenarios, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/scenarios", s.withRole(s.publishScenario, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/scenarios/validate", s.withRole(s.validateScenario, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/config/validate", s.withRole(s.validateConfig, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/config/reload", s.withRole(s.reloadConfig, parley.RoleAdmin))
	s.configRoutes(mux)
	s.routingRoutes(mux)
	s.qualityRoutes(mux)
	s.metricsRoutes(mux)
	s.kbRoutes(mux)
	s.ticketRoutes(mux)
	s.hookRoutes(mux)
	s.auditRoutes(mux)
	s.widgetRoutes(mux)
	s.deskRoutes(mux)     // desk_routes.go
	s.outboundRoutes(mux) // outbound_routes.go

	if s.Simulator != nil {
		mux.HandleFunc("GET /simulator", s.simulatorPage)
		mux.HandleFunc("GET /simulator/website", s.simulatorWebsitePage)
		mux.Handle("/simulator/", s.Simulator)
	}
	return s.logRequests(s.securityHeaders(s.widgetCORS(mux, http.NewCrossOriginProtection().Handler(mux)))), nil
}

// uploadReadTimeout is how long an agent's file upload may take to arrive;
// other requests have the server's read timeout (http.Server.ReadTimeout).
// Event streams need no exception: net/http lifts the read deadline once a
// request without a body has been read.
const uploadReadTimeout = 5 * time.Minute

// logRequests logs each request once it is answered.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.Logger.Debug("http", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (SSE flushes).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
