package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/kb"
)

// articleJSON is an article as the API returns it.
type articleJSON struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	HTML      string    `json:"html,omitempty"` // rendered, sanitised body (single article only)
	Excerpt   string    `json:"excerpt"`
	Tags      []string  `json:"tags"`
	Language  string    `json:"language"`
	ServiceID string    `json:"service_id"`
	Service   string    `json:"service,omitempty"` // the service's name
	Published bool      `json:"published"`
	URL       string    `json:"url"` // the public page (published articles)
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// articleInput is what a client posts. Service is a service's name or id
// ("" for every service). Version is required on update.
type articleInput struct {
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags"`
	Language  string   `json:"language"`
	Service   string   `json:"service"`
	Published bool     `json:"published"`
	Version   int      `json:"version"`
}

// maxArticleJSON bounds an article's JSON body: an article's Markdown may
// be larger than maxJSONBody.
const maxArticleJSON = kb.MaxBody*2 + 16<<10

// excerptLength is the excerpt's length in characters.
const excerptLength = 160

// serviceNames resolves service ids to names, once each per request.
type serviceNames struct {
	s      *Server
	tenant string
	names  map[string]string
}

func (n *serviceNames) name(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if name, ok := n.names[id]; ok {
		return name
	}
	name := n.s.Conversations.ServiceName(ctx, n.tenant, id)
	n.names[id] = name
	return name
}

func (s *Server) articleView(ctx context.Context, names *serviceNames, a *parley.Article) articleJSON {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return articleJSON{ID: a.ID, Title: a.Title, Body: a.Body, Excerpt: kb.Excerpt(a.Body, excerptLength), Tags: tags,
		Language: a.Language, ServiceID: a.ServiceID, Service: names.name(ctx, a.ServiceID), Published: a.Published,
		URL: articleURL(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version}
}

// articleURL is the public page of a.
func articleURL(a *parley.Article) string {
	return "/kb/" + url.PathEscape(a.TenantID) + "/articles/" + url.PathEscape(a.ID)
}

func (s *Server) names(tenant string) *serviceNames {
	return &serviceNames{s: s, tenant: tenant, names: map[string]string{}}
}

// listArticles lists a page of articles: all for managers, the published
// ones for agents.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) {
	u, q := userFrom(r.Context()), r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := parley.ArticleFilter{TenantID: u.TenantID, PublishedOnly: !kbManager(u), Language: q.Get("language"), Limit: limit, Offset: offset}
	if svc := q.Get("service"); svc != "" {
		id, err := s.KB.ResolveService(r.Context(), u.TenantID, svc)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		f.ServiceID = id
	}
	page, err := s.KB.List(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := s.names(u.TenantID)
	out := make([]articleJSON, 0, len(page.Articles))
	for _, a := range page.Articles {
		out = append(out, s.articleView(r.Context(), names, a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"articles": out, "total": page.Total, "limit": page.Limit, "offset": page.Offset})
}

// getArticle returns one article with its rendered body; agents get 404
// for an unpublished one.
func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	get := s.KB.GetPublished
	if kbManager(u) {
		get = s.KB.Get
	}
	a, err := get(r.Context(), u.TenantID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeArticle(w, r, http.StatusOK, a)
}

// writeArticle answers with a and its rendered body.
func (s *Server) writeArticle(w http.ResponseWriter, r *http.Request, status int, a *parley.Article) {
	html, err := kb.Render(a.Body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := s.articleView(r.Context(), s.names(a.TenantID), a)
	v.HTML = string(html)
	writeJSON(w, status, v)
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) {
	s.saveArticle(w, r, "")
}

func (s *Server) updateArticle(w http.ResponseWriter, r *http.Request) {
	s.saveArticle(w, r, r.PathValue("id"))
}

// saveArticle creates (id "") or updates an article; a stale version is
// 409.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, id string) {
	var in articleInput
	if !s.readJSONUpTo(w, r, &in, maxArticleJSON) {
		return
	}
	a := &parley.Article{ID: id, TenantID: userFrom(r.Context()).TenantID, Title: in.Title, Body: in.Body, Tags: in.Tags,
		Language: in.Language, ServiceID: in.Service, Published: in.Published, Version: in.Version}
	save, status, action := s.KB.Update, http.StatusOK, "article.update"
	if id == "" {
		save, status, action = s.KB.Create, http.StatusCreated, "article.create"
	}
	var before any
	if id != "" {
		if old, err := s.KB.Get(r.Context(), a.TenantID, id); err == nil {
			before = s.articleView(r.Context(), s.names(a.TenantID), old)
		}
	}
	if err := save(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: action, ObjectType: "article", ObjectID: a.ID, ObjectName: a.Title, Before: before,
		After: s.articleView(r.Context(), s.names(a.TenantID), a)})
	s.writeArticle(w, r, status, a)
}

func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request) {
	tenant, id := userFrom(r.Context()).TenantID, r.PathValue("id")
	var before any
	name := ""
	if old, err := s.KB.Get(r.Context(), tenant, id); err == nil {
		before, name = s.articleView(r.Context(), s.names(tenant), old), old.Title
	}
	if err := s.KB.Delete(r.Context(), tenant, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "article.delete", ObjectType: "article", ObjectID: id, ObjectName: name, Before: before})
	w.WriteHeader(http.StatusNoContent)
}

// hitJSON is one search result.
type hitJSON struct {
	Score   float64     `json:"score"`
	Article articleJSON `json:"article"`
}

// searchArticles answers GET /api/kb/search?q=&language=&service=&limit=
// &min_score=&drafts=.
func (s *Server) searchArticles(w http.ResponseWriter, r *http.Request) {
	u, q := userFrom(r.Context()), r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	minScore, _ := strconv.ParseFloat(q.Get("min_score"), 64)
	hits, err := s.KB.Search(r.Context(), kb.Query{TenantID: u.TenantID, Text: q.Get("q"), Language: q.Get("language"),
		Service: q.Get("service"), Limit: limit, MinScore: minScore, Drafts: kbManager(u) && q.Get("drafts") == "true"})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := s.names(u.TenantID)
	out := make([]hitJSON, 0, len(hits))
	for _, h := range hits {
		out = append(out, hitJSON{Score: h.Score, Article: s.articleView(r.Context(), names, h.Article)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": out})
}

// previewArticle renders Markdown as the public page would.
func (s *Server) previewArticle(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body string `json:"body"`
	}
	if !s.readJSONUpTo(w, r, &in, maxArticleJSON) {
		return
	}
	html, err := kb.Render(in.Body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": string(html)})
}

func (s *Server) getSynonyms(w http.ResponseWriter, r *http.Request) {
	groups, err := s.KB.Synonyms(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": groups})
}

func (s *Server) putSynonyms(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Groups [][]string `json:"groups"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	groups, err := s.KB.SetSynonyms(r.Context(), userFrom(r.Context()).TenantID, in.Groups)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": groups})
}

// readJSONUpTo is readJSON with a larger limit, for article bodies.
func (s *Server) readJSONUpTo(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = parley.Errorf(parley.EINVALID, "malformed JSON body: %v", err)
		}
		s.writeError(w, r, err)
		return false
	}
	return true
}
