package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parleycc/parley"
)

// The knowledge base: articles, their full-text search (the per-dialect
// queries are in kb_search.go) and the tenants' synonym lists.

const articleCols = "id, tenant_id, title, body, tags, language, service_id, published, created_at, updated_at, version"

// defaultArticlePage bounds a list without a limit.
const defaultArticlePage = 50

func scanArticle(sc interface{ Scan(...any) error }) (*parley.Article, error) {
	return scanArticleRank(sc, nil)
}

// scanArticleRank scans the article columns, then the rank into rank
// unless it is nil.
func scanArticleRank(sc interface{ Scan(...any) error }, rank *float64) (*parley.Article, error) {
	var a parley.Article
	var tags string
	var published int
	dest := []any{&a.ID, &a.TenantID, &a.Title, &a.Body, &tags, &a.Language, &a.ServiceID, &published,
		scanTime(&a.CreatedAt), scanTime(&a.UpdatedAt), &a.Version}
	if rank != nil {
		dest = append(dest, rank)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	a.Published = published != 0
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return nil, fmt.Errorf("article %s tags: %w", a.ID, err)
	}
	return &a, nil
}

// tagsJSON encodes tags for the tags column ("[]" for none).
func tagsJSON(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags) // a []string always encodes
	return string(b)
}

// CreateArticle stores a new article and sets its ID, CreatedAt,
// UpdatedAt and Version (1).
func (s *Store) CreateArticle(ctx context.Context, a *parley.Article) error {
	return wrap("create article", s.insertArticle(ctx, s.r(), a))
}

// CreateArticles stores new articles in one transaction: all or none.
func (s *Store) CreateArticles(ctx context.Context, as []*parley.Article) error {
	err := s.inTx(ctx, func(r runner) error {
		for _, a := range as {
			if err := s.insertArticle(ctx, r, a); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("create articles", err)
}

func (s *Store) insertArticle(ctx context.Context, r runner, a *parley.Article) error {
	id, err := newID()
	if err != nil {
		return err
	}
	t := s.now()
	_, err = r.exec(ctx, `INSERT INTO kb_articles (`+articleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		id, a.TenantID, a.Title, a.Body, tagsJSON(a.Tags), a.Language, a.ServiceID, boolInt(a.Published), dbTime(t), dbTime(t))
	if err != nil {
		return err
	}
	a.ID, a.CreatedAt, a.UpdatedAt, a.Version = id, t, t, 1
	return nil
}

// UpdateArticle saves a's fields if a.Version is the stored version, then
// sets a.Version to the new one, a.UpdatedAt and a.CreatedAt. ECONFLICT if
// the article changed since a.Version, ENOTFOUND if it is not the tenant's.
func (s *Store) UpdateArticle(ctx context.Context, a *parley.Article) error {
	t := s.now()
	err := s.r().queryRow(ctx, `UPDATE kb_articles SET title = ?, body = ?, tags = ?, language = ?, service_id = ?,
			published = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND tenant_id = ? AND version = ?
		RETURNING created_at, version`,
		a.Title, a.Body, tagsJSON(a.Tags), a.Language, a.ServiceID, boolInt(a.Published), dbTime(t), a.ID, a.TenantID, a.Version).
		Scan(scanTime(&a.CreatedAt), &a.Version)
	if err != nil {
		return wrap("update article", s.whyNotUpdated(ctx, err, a))
	}
	a.UpdatedAt = t
	return nil
}

// whyNotUpdated tells a missing article from a stale version after an
// update changed no row.
func (s *Store) whyNotUpdated(ctx context.Context, err error, a *parley.Article) error {
	cur, gerr := s.Article(ctx, a.TenantID, a.ID)
	if gerr != nil {
		if parley.ErrorCode(gerr) == parley.ENOTFOUND {
			return gerr
		}
		return err
	}
	if cur.Version != a.Version {
		return parley.Errorf(parley.ECONFLICT, "article %q was changed by someone else (version %d, yours %d): reload it", cur.Title, cur.Version, a.Version)
	}
	return err
}

// Article returns the tenant's article with the id.
func (s *Store) Article(ctx context.Context, tenantID, id string) (*parley.Article, error) {
	a, err := scanArticle(s.r().queryRow(ctx, "SELECT "+articleCols+" FROM kb_articles WHERE id = ? AND tenant_id = ?", id, tenantID))
	if err != nil {
		return nil, wrap("article", notFound(err, "article", id))
	}
	return a, nil
}

// DeleteArticle deletes the tenant's article with the id.
func (s *Store) DeleteArticle(ctx context.Context, tenantID, id string) error {
	ok, err := s.r().execOne(ctx, "DELETE FROM kb_articles WHERE id = ? AND tenant_id = ?", id, tenantID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "article %s not found", id)
	}
	return wrap("delete article", err)
}

// Articles returns one page of the filter's articles, most recently
// changed first, and how many match in all.
func (s *Store) Articles(ctx context.Context, f parley.ArticleFilter) ([]*parley.Article, int, error) {
	where, args := articleWhere(f)
	var total int
	if err := s.r().queryRow(ctx, "SELECT COUNT(*) FROM kb_articles WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap("articles", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultArticlePage
	}
	rows, err := s.r().query(ctx, "SELECT "+articleCols+" FROM kb_articles WHERE "+where+
		" ORDER BY updated_at DESC, id LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, wrap("articles", err)
	}
	as, err := collect(rows, scanArticle)
	if err != nil {
		return nil, 0, wrap("articles", err)
	}
	return as, total, nil
}

// articleWhere is the WHERE clause of f.
func articleWhere(f parley.ArticleFilter) (string, []any) {
	where, args := "tenant_id = ?", []any{f.TenantID}
	if f.PublishedOnly {
		where += " AND published = 1"
	}
	if f.Language != "" {
		where, args = where+" AND language = ?", append(args, f.Language)
	}
	if f.ServiceID != "" {
		where, args = where+" AND service_id = ?", append(args, f.ServiceID)
	}
	return where, args
}

// SearchArticles runs a full-text query: the best q.Limit hits of the
// tenant, ranked by the dialect's relevance (title over body).
func (s *Store) SearchArticles(ctx context.Context, q parley.ArticleQuery) ([]parley.ArticleHit, error) {
	if len(searchTerms(q)) == 0 {
		return []parley.ArticleHit{}, nil
	}
	query, args := s.d.articleSearch(q)
	rows, err := s.r().query(ctx, query, args...)
	if err != nil {
		return nil, wrap("search articles", err)
	}
	hits, err := collect(rows, scanHit)
	if err != nil {
		return nil, wrap("search articles", err)
	}
	out := make([]parley.ArticleHit, len(hits))
	for i, h := range hits {
		out[i] = *h
	}
	return out, nil
}

func scanHit(sc interface{ Scan(...any) error }) (*parley.ArticleHit, error) {
	var h parley.ArticleHit
	a, err := scanArticleRank(sc, &h.Rank)
	if err != nil {
		return nil, err
	}
	h.Article = a
	return &h, nil
}

// Synonyms returns the tenant's synonym groups (none: an empty list).
func (s *Store) Synonyms(ctx context.Context, tenantID string) ([][]string, error) {
	var raw string
	err := s.r().queryRow(ctx, "SELECT groups FROM kb_synonyms WHERE tenant_id = ?", tenantID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return [][]string{}, nil
	} else if err != nil {
		return nil, wrap("synonyms", err)
	}
	groups := [][]string{}
	if err := json.Unmarshal([]byte(raw), &groups); err != nil {
		return nil, wrap("synonyms", err)
	}
	return groups, nil
}

// SetSynonyms replaces the tenant's synonym groups.
func (s *Store) SetSynonyms(ctx context.Context, tenantID string, groups [][]string) error {
	if groups == nil {
		groups = [][]string{}
	}
	b, err := json.Marshal(groups)
	if err != nil {
		return wrap("set synonyms", err)
	}
	_, err = s.r().exec(ctx, `INSERT INTO kb_synonyms (tenant_id, groups, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET groups = excluded.groups, updated_at = excluded.updated_at`,
		tenantID, string(b), dbTime(s.now()))
	return wrap("set synonyms", err)
}
