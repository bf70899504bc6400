package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/web/ui"
)

// widgetRoutes registers the web chat widget: its script, the visitor
// endpoints (web/widget.go) and, in demo mode, a page that embeds it.
// Visitors post their messages to the webchat channel's webhook URL,
// /webhooks/webchat/{account}.
func (s *Server) widgetRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /widget.js", s.widgetScript)
	mux.HandleFunc("POST /widget/{account}/session", s.widgetSession)
	mux.HandleFunc("GET /widget/{account}/messages", s.widgetMessages)
	mux.HandleFunc("GET /widget/{account}/stream", s.widgetStream)
	mux.HandleFunc("POST /widget/{account}/files", s.widgetUpload)
	mux.HandleFunc("POST /widget/{account}/typing", s.widgetTyping)
	mux.HandleFunc("GET /widget/{account}/files/{id}", s.widgetFile)
	if s.Simulator != nil {
		mux.HandleFunc("GET /widget-demo", s.widgetDemo)
	}
}

// widgetAccount is the account a visitor endpoint's path names: in
// /widget/{account}/… or /webhooks/webchat/{account}.
func widgetAccount(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/widget/")
	if !ok {
		if rest, ok = strings.CutPrefix(path, "/webhooks/webchat/"); !ok {
			return "", false
		}
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, id != ""
}

// widgetCORS lets pages of an account's allowed origins (and only those)
// call its visitor endpoints from a browser: it answers their preflight,
// echoes their origin in Access-Control-Allow-Origin, and lets them past
// the cross-origin protection (protected), which would refuse their
// POSTs. Visitor endpoints authenticate with the visitor token header,
// never a cookie, so this opens nothing to cross-site request forgery.
// Any other origin is refused there; every other path goes to protected.
func (s *Server) widgetCORS(mux, protected http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		acct, ok := widgetAccount(r.URL.Path)
		if !ok || origin == "" || sameOrigin(r, origin) {
			protected.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if !s.Conversations.WidgetAllows(r.Context(), acct, origin) {
			s.writeError(w, r, parley.Errorf(parley.EFORBIDDEN, "origin %s may not use this chat widget", origin))
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Last-Event-ID, "+visitorHeader)
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin is the request's own host (the demo
// page, a widget on Parley's own pages).
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// widgetScript serves the widget's script. Any site may load it; only
// allowed origins may then talk to an account.
func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) {
	js, err := ui.Static.ReadFile("static/widget.js")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(js)
}

// widgetDemoPage embeds the widget for an account, as a business's site would.
var widgetDemoPage = template.Must(template.New("widget-demo").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley Demo Co. — web chat demo</title>
<link rel="stylesheet" href="/static/widget-demo.css"></head>
<body><main><h1>Parley Demo Co.</h1>
<p>This page stands for a business's website. The chat button in the corner is Parley's web chat widget, added with one tag:</p>
<pre>&lt;script src="/widget.js" data-account="{{.}}"&gt;&lt;/script&gt;</pre>
<p>Write to us, then answer as an agent from the <a href="/desktop">Agent Desktop</a> (alice / alice-demo).</p>
{{if .}}<script src="/widget.js" data-account="{{.}}"></script>{{else}}<p><strong>The demo has no webchat account.</strong></p>{{end}}
</main></body></html>`))

// widgetDemo serves the demo page of the demo tenant's first web chat
// account (demo mode only).
func (s *Server) widgetDemo(w http.ResponseWriter, r *http.Request) {
	views, err := s.Conversations.Accounts.List(r.Context(), parley.DefaultTenant)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := ""
	for _, v := range views {
		if _, _, err := s.Conversations.WidgetAccount(r.Context(), v.ID); err == nil {
			id = v.ID
			break
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := widgetDemoPage.Execute(w, id); err != nil {
		s.writeError(w, r, err)
	}
}
