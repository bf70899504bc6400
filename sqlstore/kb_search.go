package sqlstore

import (
	"strings"

	"github.com/parleycc/parley"
)

// Full-text search of articles: the one place where the two databases'
// search SQL differs. Both rank the title five times over the body; the
// query terms come parsed (package kb), so both match the same words.

// kbLanguages are the language codes kb_regconfig (migration 0010,
// PostgreSQL) knows, plus "" for 'simple'. A search in any language
// builds its tsquery with each of them, since every article is indexed
// with its own language's stemmer.
var kbLanguages = []string{"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "ru", ""}

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
	for _, term := range q.Terms {
		for _, alt := range term {
			alts = append(alts, `"`+alt+`"`) // a phrase; alt holds letters, digits and spaces only
		}
	}
	// Rank every match by rowid first, then read the few best rows whole.
	inner := `SELECT a.rid, -bm25(kb_articles_fts, 5.0, 1.0) AS score
		FROM kb_articles_fts JOIN kb_articles a ON a.rid = kb_articles_fts.rowid
		WHERE kb_articles_fts MATCH ?`
	filter, args := articleSearchFilter(q, []any{strings.Join(alts, " OR ")})
	return "SELECT " + prefixCols("a.", articleCols) + ", t.score FROM (" + inner + filter +
		" ORDER BY score DESC, a.id LIMIT ?) t JOIN kb_articles a ON a.rid = t.rid ORDER BY t.score DESC, a.id", append(args, q.Limit)
}

// postgresArticleSearch matches the generated tsvector (GIN index) and
// ranks with ts_rank_cd, title (A) weighing 1.0 and body (B) 0.2.
func postgresArticleSearch(q parley.ArticleQuery) (string, []any) {
	var alts []string
	for _, term := range q.Terms {
		for _, alt := range term {
			alts = append(alts, "("+strings.ReplaceAll(alt, " ", " <-> ")+")")
		}
	}
	text := strings.Join(alts, " | ")
	langs := kbLanguages
	if q.Language != "" {
		langs = []string{q.Language, ""}
	}
	var parts []string
	var args []any
	for _, l := range langs {
		parts = append(parts, "to_tsquery(kb_regconfig(?), ?)::text")
		args = append(args, l, text)
	}
	// The query is computed once (MATERIALIZED), not per row, as the
	// distinct parses of the text (most languages parse most words
	// alike: a query repeating a word ranks slower, not better), and the
	// GIN index finds the rows matching it.
	query := `WITH q AS MATERIALIZED (
			SELECT string_agg(DISTINCT '(' || t || ')', ' | ')::tsquery AS q FROM unnest(ARRAY[` + strings.Join(parts, ", ") + `]) AS t WHERE t <> ''
		) SELECT ` + prefixCols("a.", articleCols) + `, ts_rank_cd('{0, 0, 0.2, 1.0}', a.search, q.q) AS score
		FROM q JOIN kb_articles a ON a.search @@ q.q
		WHERE TRUE`
	filter, args := articleSearchFilter(q, args)
	return query + filter + " ORDER BY score DESC, a.id LIMIT ?", append(args, q.Limit)
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

// prefixCols qualifies each of a comma-separated column list.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = prefix + p
	}
	return strings.Join(parts, ", ")
}
