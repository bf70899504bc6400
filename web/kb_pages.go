package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/web/ui"
)

// kbPageData is what templates/kb_article.html reads: the layout's fields
// and the article.
type kbPageData struct {
	Title    string
	User     *ui.PageUser
	Demo     bool
	Found    bool
	Language string
	Body     template.HTML // sanitised by kb.Render
	Updated  time.Time
}

// kbPagePolicy is the public article page's Content-Security-Policy: no
// script at all, styles and images from here (images also from https:).
const kbPagePolicy = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self' https://www.facebook.com https://www.messenger.com"

// kbArticlePage shows a published article to anyone, laid out for the
// Messenger webview (a phone's width); 404 for anything else.
func (s *Server) kbArticlePage(w http.ResponseWriter, r *http.Request) {
	data := kbPageData{Title: "Article not found", Demo: s.Simulator != nil}
	status := http.StatusNotFound
	if s.KB != nil {
		a, err := s.KB.GetPublished(r.Context(), r.PathValue("tenant"), r.PathValue("id"))
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			s.writeError(w, r, err)
			return
		}
		if err == nil {
			body, err := kb.Render(a.Body)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if tok := r.URL.Query().Get("o"); tok != "" {
				if err := s.Conversations.ArticleOpened(r.Context(), a.TenantID, a.ID, tok); err != nil {
					s.Logger.Warn("count an article opened", "article", a.ID, "err", err)
				}
			}
			data = kbPageData{Title: a.Title, Demo: data.Demo, Found: true, Language: a.Language, Body: body, Updated: a.UpdatedAt}
			status = http.StatusOK
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", kbPagePolicy)
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(status)
	if err := s.pages["kb_article"].ExecuteTemplate(w, ui.LayoutName, data); err != nil {
		s.Logger.Error("kb article page", "err", err)
	}
}

func (s *Server) adminKBPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_kb", "Knowledge base")
}
