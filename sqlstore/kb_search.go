package sqlstore

import (
	"slices"
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
	match := matchExpr(q, func(words []string) string {
		return `"` + strings.Join(words, " ") + `"` // a phrase
	}, " OR ", " AND ")
	// Rank every match by rowid first, then read the few best rows whole.
	inner := `SELECT a.rid, -bm25(kb_articles_fts, 5.0, 1.0) AS score
		FROM kb_articles_fts JOIN kb_articles a ON a.rid = kb_articles_fts.rowid
		WHERE kb_articles_fts MATCH ?`
	filter, args := articleSearchFilter(q, []any{match})
	return "SELECT " + prefixed("a.", articleCols) + ", t.score FROM (" + inner + filter +
		" ORDER BY score DESC, a.id LIMIT ?) t JOIN kb_articles a ON a.rid = t.rid ORDER BY t.score DESC, a.id", append(args, q.Limit)
}

// postgresArticleSearch matches the generated tsvector (GIN index) and
// ranks with ts_rank, title (A) weighing 1.0 and body (B) 0.2. (The
// cover density of ts_rank_cd cost twice as much per match, and package
// kb rescores the best hits by how much of the query they answer.)
func postgresArticleSearch(q parley.ArticleQuery) (string, []any) {
	match := matchExpr(q, func(words []string) string {
		return "(" + strings.Join(words, " <-> ") + ")"
	}, " | ", " & ")
	// One tsquery per text search configuration the tenant's articles
	// use, parsed once (MATERIALIZED); each article is matched and ranked
	// with its own language's, found through the GIN index (OFFSET 0
	// keeps the lateral join a nested loop that can use it). The
	// languages are read by skipping through kb_articles_language, one
	// probe per language, not by reading every article.
	query := `WITH RECURSIVE langs(l) AS (
			(SELECT language FROM kb_articles WHERE tenant_id = ? ORDER BY language LIMIT 1)
			UNION ALL
			SELECT (SELECT language FROM kb_articles WHERE tenant_id = ? AND language > langs.l ORDER BY language LIMIT 1)
			FROM langs WHERE langs.l IS NOT NULL
		), q AS MATERIALIZED (
			SELECT cfg, to_tsquery(cfg, ?) AS q
			FROM (SELECT DISTINCT kb_regconfig(l) AS cfg FROM langs WHERE l IS NOT NULL) c
		) SELECT ` + prefixed("a.", articleCols) + `, ts_rank('{0, 0, 0.2, 1.0}', a.search, q.q) AS score
		FROM q CROSS JOIN LATERAL (
			SELECT * FROM kb_articles m WHERE m.search @@ q.q AND kb_regconfig(m.language) = q.cfg OFFSET 0
		) a
		WHERE TRUE`
	args := []any{q.TenantID, q.TenantID, match}
	filter, args := articleSearchFilter(q, args)
	return query + filter + " ORDER BY score DESC, a.id LIMIT ?", append(args, q.Limit)
}

// matchExpr is the dialect's match expression of q: for every
// combination of q.MinTerms of its terms, the terms AND-ed, each an OR of
// its alternatives written by phrase; the combinations OR-ed.
func matchExpr(q parley.ArticleQuery, phrase func(words []string) string, or, and string) string {
	var terms []string
	for _, alts := range searchTerms(q) {
		parts := make([]string, len(alts))
		for i, words := range alts {
			parts[i] = phrase(words)
		}
		terms = append(terms, "("+strings.Join(parts, or)+")")
	}
	var combos []string
	for _, c := range combinations(len(terms), min(max(q.MinTerms, 1), len(terms))) {
		parts := make([]string, len(c))
		for i, t := range c {
			parts[i] = terms[t]
		}
		combos = append(combos, "("+strings.Join(parts, and)+")")
	}
	return strings.Join(combos, or)
}

// combinations lists every choice of k of the indexes 0..n-1, each in
// increasing order.
func combinations(n, k int) [][]int {
	var out [][]int
	pick := make([]int, 0, k)
	var walk func(from int)
	walk = func(from int) {
		if len(pick) == k {
			out = append(out, slices.Clone(pick))
			return
		}
		for i := from; i <= n-(k-len(pick)); i++ {
			pick = append(pick, i)
			walk(i + 1)
			pick = pick[:len(pick)-1]
		}
	}
	walk(0)
	return out
}

// searchTerms lists q's terms, each as its alternatives' words (letters
// and digits), so that nothing in them is query syntax to either
// database. Alternatives with no word, and terms with no alternative
// left, are dropped.
func searchTerms(q parley.ArticleQuery) [][][]string {
	var out [][][]string
	for _, term := range q.Terms {
		var alts [][]string
		for _, alt := range term {
			words := strings.FieldsFunc(alt, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len(words) > 0 {
				alts = append(alts, words)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
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
