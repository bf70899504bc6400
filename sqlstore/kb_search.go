package sqlstore

import (
	"strings"
	"unicode"

	"github.com/parleycc/parley"
)

// Full-text search of articles: the one place where the two databases'
// search SQL differs. Both rank the title five times over the body; the
// query terms come parsed (package kb), so both match the same words.

// articleSearch returns the search query of q and its arguments. Its
// result columns are articleCols, then the rank (higher is better).
func (d *dialect) articleSearch(q parley.ArticleQuery) (string, []any) {
	if d.pg() {
		return postgresArticleSearch(q)
	}
	return sqliteArticleSearch(q)
}

// sqliteArticleSearch matches with FTS5 (porter stemming) and ranks by
// bm25, negated so that higher is better.
func sqliteArticleSearch(q parley.ArticleQuery) (string, []any) {
	var alts []string
	for _, alt := range searchPhrases(q) {
		alts = append(alts, `"`+alt+`"`) // a phrase
	}
	// Rank every match by rowid first, then read the few best rows whole.
	inner := `SELECT a.rid, -bm25(kb_articles_fts, 5.0, 1.0) AS score
		FROM kb_articles_fts JOIN kb_articles a ON a.rid = kb_articles_fts.rowid
		WHERE kb_articles_fts MATCH ?`
	filter, args := articleSearchFilter(q, []any{strings.Join(alts, " OR ")})
	return "SELECT " + prefixed("a.", articleCols) + ", t.score FROM (" + inner + filter +
		" ORDER BY score DESC, a.id LIMIT ?) t JOIN kb_articles a ON a.rid = t.rid ORDER BY t.score DESC, a.id", append(args, q.Limit)
}

// postgresArticleSearch matches the generated tsvector (GIN index) and
// ranks with ts_rank_cd, title (A) weighing 1.0 and body (B) 0.2.
func postgresArticleSearch(q parley.ArticleQuery) (string, []any) {
	var alts []string
	for _, alt := range searchPhrases(q) {
		alts = append(alts, "("+strings.ReplaceAll(alt, " ", " <-> ")+")")
	}
	// One tsquery per text search configuration the tenant's articles
	// use, parsed once (MATERIALIZED); each article is matched and ranked
	// with its own language's, found through the GIN index (OFFSET 0
	// keeps the lateral join a nested loop that can use it).
	query := `WITH q AS MATERIALIZED (
			SELECT cfg, to_tsquery(cfg, ?) AS q
			FROM (SELECT DISTINCT kb_regconfig(language) AS cfg FROM kb_articles WHERE tenant_id = ?) c
		) SELECT ` + prefixed("a.", articleCols) + `, ts_rank_cd('{0, 0, 0.2, 1.0}', a.search, q.q) AS score
		FROM q CROSS JOIN LATERAL (
			SELECT * FROM kb_articles m WHERE m.search @@ q.q AND kb_regconfig(m.language) = q.cfg OFFSET 0
		) a
		WHERE TRUE`
	args := []any{strings.Join(alts, " | "), q.TenantID}
	filter, args := articleSearchFilter(q, args)
	return query + filter + " ORDER BY score DESC, a.id LIMIT ?", append(args, q.Limit)
}

// searchPhrases lists every alternative of q's terms as words of letters
// and digits separated by single spaces, so that nothing in them is
// query syntax to either database.
func searchPhrases(q parley.ArticleQuery) []string {
	var out []string
	for _, term := range q.Terms {
		for _, alt := range term {
			words := strings.FieldsFunc(alt, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len(words) > 0 {
				out = append(out, strings.Join(words, " "))
			}
		}
	}
	return out
}

// articleSearchFilter is the portable rest of the WHERE clause: tenant,
// publication, and a language or service that also admits articles that
// name none.
func articleSearchFilter(q parley.ArticleQuery, args []any) (string, []any) {
	where := " AND a.tenant_id = ?"
	args = append(args, q.TenantID)
	if q.PublishedOnly {
		where += " AND a.published = 1"
	}
	if q.Language != "" {
		where, args = where+" AND (a.language = ? OR a.language = '')", append(args, q.Language)
	}
	if q.ServiceID != "" {
		where, args = where+" AND (a.service_id = ? OR a.service_id = '')", append(args, q.ServiceID)
	}
	return where, args
}
