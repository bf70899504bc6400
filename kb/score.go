package kb

import (
	"math"
	"sort"
	"strings"

	"github.com/parleycc/parley"
)

// Scoring. The database finds and ranks articles containing the query's
// terms (all, two or any, see minTerms). Its raw rank (bm25 on SQLite,
// ts_rank on PostgreSQL), made relative to the best of the search that
// found it, favours a title match over a body match but does not know
// how much of the query an article answers, and its scale differs by
// database. So the score is computed here, the same way on both:
//
//	score = coverage × (0.5 + 0.5 × rank / best rank)
//
// where coverage is the share of the query's terms (a word or phrase with
// its synonyms) found in the article's title, body or tags. An article
// answering the whole query scores between 0.5 and 1; one answering half
// of it at most 0.5. Scores are rounded to 3 decimals.

// overFetch is how many more hits than asked the store returns, so that
// an article answering more of the query can move up past the raw order.
const overFetch = 4

// score rescores the store's hits for terms, best first, keeping those
// scoring at least minScore, at most limit.
func score(hits []parley.ArticleHit, terms [][]string, minScore float64, limit int) []Hit {
	best := 0.0
	for _, h := range hits {
		best = max(best, h.Rank)
	}
	out := []Hit{}
	for _, h := range hits {
		rel := 0.0
		if best > 0 {
			rel = max(h.Rank, 0) / best
		}
		s := coverage(h.Article, terms) * (0.5 + 0.5*rel)
		s = math.Round(s*1000) / 1000
		if s > 0 && s >= minScore {
			out = append(out, Hit{Article: h.Article, Score: s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out[:min(len(out), limit)]
}

// coverage is the share of terms with an alternative in the article.
func coverage(a *parley.Article, terms [][]string) float64 {
	if len(terms) == 0 {
		return 0
	}
	text := " " + strings.Join(articleStems(a), " ") + " "
	found := 0
	for _, alts := range terms {
		for _, alt := range alts {
			if strings.Contains(text, " "+strings.Join(stems(strings.Fields(alt)), " ")+" ") {
				found++
				break
			}
		}
	}
	return float64(found) / float64(len(terms))
}

// articleStems is the rough stem of every word of the article's title,
// body and tags, in order.
func articleStems(a *parley.Article) []string {
	return stems(Words(a.Title + " " + a.Body + " " + strings.Join(a.Tags, " ")))
}

// stems returns a rough stem of each word: enough to tell that
// "screens" and "screen" are one word, the way both databases' stemmers
// match them.
func stems(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = stem(w)
	}
	return out
}

// stemSuffixes are cut from the end of a word, the first that fits, as
// long as three letters remain.
var stemSuffixes = []struct{ suffix, repl string }{
	{"ies", "y"}, {"ing", ""}, {"ed", ""}, {"es", ""}, {"s", ""}, {"ly", ""},
}

func stem(w string) string {
	for _, s := range stemSuffixes {
		if base, ok := strings.CutSuffix(w, s.suffix); ok && len(base) >= 3 {
			return base + s.repl
		}
	}
	return w
}
