package web

import "net/http"

// pagePolicy is the Content-Security-Policy of every response that does
// not set its own: scripts and styles from our own origin only (no inline
// script, style or event handler: the templates have none, see
// web/ui TestNoInlineCode), no plugins, and no framing by other sites.
// Images may come from the platforms' CDNs (customers' pictures, cards).
const pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"media-src 'self' https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries. Handlers that
// serve something else (public articles, uploaded files) set their own
// Content-Security-Policy, which replaces this one.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pagePolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.SecureCookies { // served over https
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
