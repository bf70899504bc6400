// Package kb is the knowledge base: articles written in Markdown, managed
// by admins and supervisors, searched by agents and by scenario blocks
// (self-service answers offered in Messenger), and shown to customers as
// mobile pages.
//
// The rules live here, not in SQL: validation, query parsing, synonym
// expansion and score normalisation, so that both databases rank the same
// articles the same way. The store only matches and ranks (see
// parley.ArticleQuery).
package kb

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Store is what the knowledge base keeps its articles in (sqlstore.Store).
type Store interface {
	// CreateArticle stores a new article and sets its ID, times and Version.
	CreateArticle(ctx context.Context, a *parley.Article) error
	// CreateArticles stores new articles in one transaction: all or none.
	CreateArticles(ctx context.Context, as []*parley.Article) error
	// UpdateArticle saves a if a.Version is the stored version (else
	// ECONFLICT) and sets the new Version and times.
	UpdateArticle(ctx context.Context, a *parley.Article) error
	DeleteArticle(ctx context.Context, tenantID, id string) error
	Article(ctx context.Context, tenantID, id string) (*parley.Article, error)
	// Articles returns one page of the filter's articles and the total.
	Articles(ctx context.Context, f parley.ArticleFilter) ([]*parley.Article, int, error)
	SearchArticles(ctx context.Context, q parley.ArticleQuery) ([]parley.ArticleHit, error)
	Synonyms(ctx context.Context, tenantID string) ([][]string, error)
	SetSynonyms(ctx context.Context, tenantID string, groups [][]string) error
	Service(ctx context.Context, id string) (*parley.Service, error)
	ServiceByName(ctx context.Context, tenantID, name string) (*parley.Service, error)
}

// Limits of an article.
const (
	MaxTitle = 200       // characters
	MaxBody  = 100 << 10 // bytes of Markdown
	MaxTags  = 20
	MaxTag   = 40 // characters
)

// Service manages and searches the knowledge base.
type Service struct {
	store  Store
	common commonWords
}

// New returns the knowledge base kept in store.
func New(store Store) *Service {
	return &Service{store: store, common: commonWords{
		tenants: map[string]*docCounts{}, counting: map[string]bool{}, stale: map[string]bool{}}}
}

// Create validates and stores a new article. a.ServiceID may be a
// service's id or name; it is stored as the id.
func (s *Service) Create(ctx context.Context, a *parley.Article) error {
	if err := s.prepare(ctx, a); err != nil {
		return fmt.Errorf("kb: create: %w", err)
	}
	if err := s.store.CreateArticle(ctx, a); err != nil {
		return fmt.Errorf("kb: create: %w", err)
	}
	s.changed(a.TenantID)
	return nil
}

// Update validates and saves a, which must carry the Version it was read
// at: ECONFLICT if the article changed since. On success a.Version is the
// new version.
func (s *Service) Update(ctx context.Context, a *parley.Article) error {
	if a.Version < 1 {
		return parley.Errorf(parley.EINVALID, "version is required to update an article")
	}
	if err := s.prepare(ctx, a); err != nil {
		return fmt.Errorf("kb: update: %w", err)
	}
	if err := s.store.UpdateArticle(ctx, a); err != nil {
		return fmt.Errorf("kb: update: %w", err)
	}
	s.changed(a.TenantID)
	return nil
}

// Delete removes the tenant's article.
func (s *Service) Delete(ctx context.Context, tenantID, id string) error {
	if err := s.store.DeleteArticle(ctx, tenantID, id); err != nil {
		return fmt.Errorf("kb: delete: %w", err)
	}
	s.changed(tenantID)
	return nil
}

// Get returns the tenant's article, published or not.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*parley.Article, error) {
	a, err := s.store.Article(ctx, tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("kb: get: %w", err)
	}
	return a, nil
}

// GetPublished returns the tenant's article if it is published, else
// ENOTFOUND (what customers and agents may read).
func (s *Service) GetPublished(ctx context.Context, tenantID, id string) (*parley.Article, error) {
	a, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if !a.Published {
		return nil, parley.Errorf(parley.ENOTFOUND, "article %s not found", id)
	}
	return a, nil
}

// Page is one page of a list of articles.
type Page struct {
	Articles []*parley.Article
	Total    int // matching articles in all
	Limit    int
	Offset   int
}

// MaxPage bounds a page of articles.
const MaxPage = 200

// List returns one page of the filter's articles, most recently changed
// first (50 when f.Limit is 0, at most MaxPage).
func (s *Service) List(ctx context.Context, f parley.ArticleFilter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit, f.Offset = min(f.Limit, MaxPage), max(f.Offset, 0)
	if f.Language != "" {
		f.Language = strings.ToLower(f.Language)
	}
	as, total, err := s.store.Articles(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("kb: list: %w", err)
	}
	return &Page{Articles: as, Total: total, Limit: f.Limit, Offset: f.Offset}, nil
}

// Publish makes the article visible to customers and agents.
func (s *Service) Publish(ctx context.Context, tenantID, id string) (*parley.Article, error) {
	return s.setPublished(ctx, tenantID, id, true)
}

// Unpublish hides the article from customers and agents.
func (s *Service) Unpublish(ctx context.Context, tenantID, id string) (*parley.Article, error) {
	return s.setPublished(ctx, tenantID, id, false)
}

// setPublished flips the flag on the latest version, re-reading it if an
// edit slipped in between.
func (s *Service) setPublished(ctx context.Context, tenantID, id string, on bool) (*parley.Article, error) {
	for try := 0; ; try++ {
		a, err := s.Get(ctx, tenantID, id)
		if err != nil {
			return nil, err
		}
		if a.Published == on {
			return a, nil
		}
		a.Published = on
		err = s.store.UpdateArticle(ctx, a)
		if err == nil {
			s.changed(tenantID)
			return a, nil
		} else if parley.ErrorCode(err) != parley.ECONFLICT || try == 2 {
			return nil, fmt.Errorf("kb: publish: %w", err)
		}
	}
}

// ResolveService returns the id of the tenant's service named or
// identified by ref ("" for none); EINVALID if there is no such service.
func (s *Service) ResolveService(ctx context.Context, tenantID, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", nil
	}
	if sv, err := s.store.Service(ctx, ref); err == nil && sv.TenantID == tenantID {
		return sv.ID, nil
	} else if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return "", fmt.Errorf("kb: service: %w", err)
	}
	sv, err := s.store.ServiceByName(ctx, tenantID, ref)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return "", parley.Errorf(parley.EINVALID, "unknown service %q", ref)
	} else if err != nil {
		return "", fmt.Errorf("kb: service: %w", err)
	}
	return sv.ID, nil
}

// prepare normalises a's fields, resolves its service and validates it.
func (s *Service) prepare(ctx context.Context, a *parley.Article) error {
	a.Title = strings.TrimSpace(a.Title)
	a.Language = strings.ToLower(strings.TrimSpace(a.Language))
	a.Tags = normaliseTags(a.Tags)
	if err := Validate(a); err != nil {
		return err
	}
	id, err := s.ResolveService(ctx, a.TenantID, a.ServiceID)
	if err != nil {
		return err
	}
	a.ServiceID = id
	return nil
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

// Validate reports the first invalid field of a as an EINVALID error.
func Validate(a *parley.Article) error {
	switch {
	case a.TenantID == "":
		return parley.Errorf(parley.EINVALID, "tenant is required")
	case strings.TrimSpace(a.Title) == "":
		return parley.Errorf(parley.EINVALID, "title is required")
	case utf8.RuneCountInString(a.Title) > MaxTitle:
		return parley.Errorf(parley.EINVALID, "title is longer than %d characters", MaxTitle)
	case len(a.Body) > MaxBody:
		return parley.Errorf(parley.EINVALID, "body is larger than %d bytes", MaxBody)
	case !utf8.ValidString(a.Title) || !utf8.ValidString(a.Body):
		return parley.Errorf(parley.EINVALID, "title and body must be UTF-8 text")
	case a.Language != "" && !languageCode.MatchString(a.Language):
		return parley.Errorf(parley.EINVALID, "language %q is not a language code such as en or pt-br", a.Language)
	case len(a.Tags) > MaxTags:
		return parley.Errorf(parley.EINVALID, "at most %d tags", MaxTags)
	}
	for _, t := range a.Tags {
		if utf8.RuneCountInString(t) > MaxTag {
			return parley.Errorf(parley.EINVALID, "tag %q is longer than %d characters", t, MaxTag)
		}
	}
	return nil
}

// normaliseTags trims, lower-cases and de-duplicates tags, keeping their
// order.
func normaliseTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
