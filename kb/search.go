package kb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/parleycc/parley"
)

// Query is a search of the knowledge base, as a scenario block, the Agent
// Desktop or the admin page asks it.
type Query struct {
	TenantID string
	Text     string // what the customer or agent typed
	Language string // "" for any; else articles in it or in no language
	// Service is a service id or name: "" for any; else articles of that
	// service or of none.
	Service string
	// Limit is the most hits returned (DefaultLimit when 0, at most
	// MaxLimit).
	Limit int
	// MinScore drops hits whose Score is below it (0..1).
	MinScore float64
	// Drafts includes unpublished articles (the admin page).
	Drafts bool
}

// Limits of a search.
const (
	DefaultLimit = 5
	MaxLimit     = 50
	MaxTerms     = 16 // query terms kept, the first ones
)

// Hit is one article found, with its score.
type Hit struct {
	Article *parley.Article
	// Score (0..1] is how well the article answers the query: the share
	// of the query's terms it contains, weighted by its rank relative to
	// the query's best hit (see score.go). Both databases score the same
	// fixture in the same order.
	Score float64
}

// Search finds the articles that best answer q.Text: the query is split
// into words, stop words dropped, and each word or phrase expanded with
// the tenant's synonyms; articles containing all of them are looked for
// first, then any two, then any one (stemmed, see minTerms), those
// containing more of them and in their title first.
func (s *Service) Search(ctx context.Context, q Query) ([]Hit, error) {
	syn, err := s.store.Synonyms(ctx, q.TenantID)
	if err != nil {
		return nil, fmt.Errorf("kb: search: %w", err)
	}
	terms := Expand(Words(q.Text), syn)
	if len(terms) == 0 {
		return []Hit{}, nil
	}
	svc, err := s.ResolveService(ctx, q.TenantID, q.Service)
	if err != nil {
		return nil, fmt.Errorf("kb: search: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	counts := s.counts(ctx, q.TenantID)
	want := limit * overFetch
	aq := parley.ArticleQuery{TenantID: q.TenantID, Terms: distinctive(terms, counts),
		Language: strings.ToLower(q.Language), ServiceID: svc, PublishedOnly: !q.Drafts, Limit: want}
	// The hits of a search needing more terms stay ahead of those a
	// search needing fewer adds. Ranks are made relative to each search's
	// best, as the databases' scales differ between an AND and an OR.
	var hits []parley.ArticleHit
	seen := map[string]bool{}
	for _, aq.MinTerms = range minTerms(len(aq.Terms)) {
		found, err := s.store.SearchArticles(ctx, aq)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		best := 0.0
		for _, h := range found {
			best = max(best, h.Rank)
		}
		for _, h := range found {
			if best > 0 {
				h.Rank /= best
			}
			if len(hits) < want && !seen[h.Article.ID] {
				seen[h.Article.ID] = true
				hits = append(hits, h)
			}
		}
		if len(hits) >= want {
			break
		}
	}
	return score(hits, terms, q.MinScore, limit), nil
}

// maxMatchTerms bounds the terms the database matches: a long message's
// rarest words say what it is about, and any two of more terms make a
// long match expression.
const maxMatchTerms = 6

// distinctive is the terms the database matches: those the tenant's
// articles contain but not most of them, at most maxMatchTerms, the
// rarest, in query order. When the articles are too few to count, or
// no term qualifies, it is all of them.
func distinctive(terms [][]string, counts *docCounts) [][]string {
	if !counts.counted() {
		return terms
	}
	type term struct{ at, docs int }
	var keep []term
	for i, t := range terms {
		if n := counts.termDocs(t); n > 0 && !counts.commonDocs(n) {
			keep = append(keep, term{i, n})
		}
	}
	if len(keep) == 0 {
		return terms
	}
	if len(keep) > maxMatchTerms {
		slices.SortStableFunc(keep, func(a, b term) int { return a.docs - b.docs })
		keep = keep[:maxMatchTerms]
		slices.SortFunc(keep, func(a, b term) int { return a.at - b.at })
	}
	out := make([][]string, len(keep))
	for i, k := range keep {
		out[i] = terms[k.at]
	}
	return out
}

// minTerms lists the searches a query of n terms tries, each needing
// fewer of its terms than the one before, until enough hits are found:
// every term, then any two, then any one. The articles answering more of
// a question are its best candidates (the score favours them too), and
// the database ranks only the matches of the search that answers: a word
// found in most articles ("phone") no longer makes it rank them all.
func minTerms(n int) []int {
	switch {
	case n <= 1:
		return []int{1}
	case n == 2:
		return []int{2, 1}
	}
	return []int{n, 2, 1}
}

// Words splits text into lower-case words of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// maxPhrase is the longest synonym phrase, in words.
const maxPhrase = 4

// Expand turns query words into search terms: each term lists its
// alternatives, the word (or a phrase of words) and its synonyms. A
// phrase that is a synonym ("power button") is one term; stop words
// outside phrases are dropped; duplicate terms are kept once.
func Expand(words []string, synonyms [][]string) [][]string {
	index := synonymIndex(synonyms)
	var terms [][]string
	seen := map[string]bool{}
	for i := 0; i < len(words) && len(terms) < MaxTerms; {
		alts, n := matchSynonym(words[i:], index)
		i += n
		if n == 1 && stopWords[words[i-1]] {
			continue
		}
		if key := strings.Join(alts, "|"); !seen[key] {
			seen[key] = true
			terms = append(terms, alts)
		}
	}
	return terms
}

// matchSynonym returns the alternatives of the longest synonym phrase at
// the start of words and its length in words, or the first word (with
// its synonyms, trying a plural's singular too) and 1.
func matchSynonym(words []string, index map[string][]string) ([]string, int) {
	for n := min(maxPhrase, len(words)); n > 1; n-- {
		if alts, ok := index[strings.Join(words[:n], " ")]; ok {
			return alts, n
		}
	}
	w := words[0]
	for _, form := range []string{w, strings.TrimSuffix(w, "s"), strings.TrimSuffix(w, "es")} {
		if alts, ok := index[form]; ok && len(form) > 1 {
			return withFirst(w, alts), 1
		}
	}
	return []string{w}, 1
}

// withFirst returns alts with w first and not repeated.
func withFirst(w string, alts []string) []string {
	out := []string{w}
	for _, a := range alts {
		if a != w {
			out = append(out, a)
		}
	}
	return out
}

// synonymIndex maps every word or phrase of the groups to its group.
func synonymIndex(groups [][]string) map[string][]string {
	index := map[string][]string{}
	for _, g := range NormaliseSynonyms(groups) {
		for _, p := range g {
			index[p] = g
		}
	}
	return index
}

// NormaliseSynonyms lower-cases each entry into words separated by single
// spaces and drops empty entries, duplicates and groups of fewer than two.
func NormaliseSynonyms(groups [][]string) [][]string {
	out := [][]string{}
	for _, g := range groups {
		var clean []string
		for _, p := range g {
			p = strings.Join(Words(p), " ")
			if p != "" && !slices.Contains(clean, p) {
				clean = append(clean, p)
			}
		}
		if len(clean) > 1 {
			out = append(out, clean)
		}
	}
	return out
}

// Synonyms returns the tenant's synonym groups.
func (s *Service) Synonyms(ctx context.Context, tenantID string) ([][]string, error) {
	g, err := s.store.Synonyms(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("kb: synonyms: %w", err)
	}
	return g, nil
}

// MaxSynonymGroups bounds a tenant's synonym list.
const MaxSynonymGroups = 500

// SetSynonyms replaces the tenant's synonym groups (each a list of words
// or phrases that mean the same, e.g. ["screen", "display"]) and returns
// them normalised.
func (s *Service) SetSynonyms(ctx context.Context, tenantID string, groups [][]string) ([][]string, error) {
	groups = NormaliseSynonyms(groups)
	if len(groups) > MaxSynonymGroups {
		return nil, parley.Errorf(parley.EINVALID, "at most %d synonym groups", MaxSynonymGroups)
	}
	if err := s.store.SetSynonyms(ctx, tenantID, groups); err != nil {
		return nil, fmt.Errorf("kb: set synonyms: %w", err)
	}
	return groups, nil
}

// stopWords are dropped from queries: words too common to tell articles
// apart (English, and the commonest French, German and Spanish ones).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be but by can could do does did for from has have had
		how i if in into is it its me my no not of on or our please so that the their them then there these
		they this to was we were what when where which who why will with would you your
		le la les un une des et est du de en je mon ma mes ne pas que qui
		der die das ein eine und ist ich mein nicht zu
		el los las uno una y es mi yo no que se`) {
		m[w] = true
	}
	return m
}()
