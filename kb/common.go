package kb

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// Common and unknown words. A word found in most of a tenant's articles
// ("phone" in a phone shop's) says little about which article answers a
// question, yet a search matching it ranks most of the knowledge base; a
// word found in none ("hello") can only make a search needing every term
// find nothing. Search leaves both out of what the database matches,
// keeping them for the score, when the query has other terms.

const (
	// commonShare is the share of the published articles a term is in,
	// above which it is common.
	commonShare = 0.5
	// commonMinArticles is the fewest published articles for any term to
	// be common: a small knowledge base is cheap to rank whole, and a
	// share of a few articles means little.
	commonMinArticles = 100
	// commonMaxAge is how long counts are used before they are counted
	// again (in the background, the old ones still used meanwhile).
	commonMaxAge = 10 * time.Minute
	// commonPage is how many articles one read of a count takes.
	commonPage = 500
)

// docCounts is how many of a tenant's published articles contain each
// word stem, counted at one time.
type docCounts struct {
	at       time.Time
	articles int
	docs     map[string]int
}

// commonWords keeps each tenant's docCounts.
type commonWords struct {
	mu       sync.Mutex
	tenants  map[string]*docCounts
	counting map[string]bool // a background count is running
	stale    map[string]bool // articles changed since the count
}

// counted reports whether there are counts to go by.
func (c *docCounts) counted() bool {
	return c != nil && c.articles >= commonMinArticles
}

// termDocs estimates how many of the counted articles contain a term
// (its alternatives): a phrase as many as its rarest word, a term as many
// as its most common alternative.
func (c *docCounts) termDocs(alts []string) int {
	most := 0
	for _, alt := range alts {
		words := Words(alt)
		if len(words) == 0 {
			continue
		}
		rarest := c.wordDocs(words[0])
		for _, w := range words[1:] {
			rarest = min(rarest, c.wordDocs(w))
		}
		most = max(most, rarest)
	}
	return most
}

// wordDocs is the count of a query word under the forms an article's
// word may have been counted as: its stem, or itself without a plural
// "s" (the rough stem makes "phon" of "phones" but "phone" of "phone").
func (c *docCounts) wordDocs(w string) int {
	n := max(c.docs[stem(w)], c.docs[w])
	if base, ok := strings.CutSuffix(w, "s"); ok {
		n = max(n, c.docs[base])
	}
	return n
}

// common reports whether a term is in more than commonShare of the
// counted articles.
func (c *docCounts) common(alts []string) bool {
	return c.counted() && c.commonDocs(c.termDocs(alts))
}

// commonDocs reports whether n of the counted articles (counted() true)
// are more than commonShare of them.
func (c *docCounts) commonDocs(n int) bool {
	return float64(n) > commonShare*float64(c.articles)
}

// counts returns the tenant's counts, nil until the first are ready: a
// tenant's first search starts its count in the background (10,000
// articles take about half a second) rather than wait for it. Counts
// that are old, or older than a change of the articles, are counted
// again in the background and used meanwhile.
func (s *Service) counts(ctx context.Context, tenantID string) *docCounts {
	w := &s.common
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.tenants[tenantID]
	if !w.counting[tenantID] && (c == nil || w.stale[tenantID] || time.Since(c.at) > commonMaxAge) {
		w.counting[tenantID] = true
		delete(w.stale, tenantID)
		go s.countAgain(context.WithoutCancel(ctx), tenantID)
	}
	return c
}

// CountWords counts the tenant's words now, for searches to leave out its
// common ones from the next on (a count otherwise starts with the
// tenant's first search).
func (s *Service) CountWords(ctx context.Context, tenantID string) error {
	c, err := s.countWords(ctx, tenantID)
	if err != nil {
		return fmt.Errorf("kb: count words: %w", err)
	}
	s.common.mu.Lock()
	defer s.common.mu.Unlock()
	if old := s.common.tenants[tenantID]; old == nil || old.at.Before(c.at) {
		s.common.tenants[tenantID] = c
	}
	return nil
}

// countAgain counts a tenant's words in the background.
func (s *Service) countAgain(ctx context.Context, tenantID string) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	err := s.CountWords(ctx, tenantID)
	w := &s.common
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.counting, tenantID)
	if err != nil {
		w.stale[tenantID] = true // try again on a later search
		slog.Warn("kb: counting common words", slog.String("tenant", tenantID), slog.Any("error", err))
	}
}

// changed marks a tenant's counts for a new count.
func (s *Service) changed(tenantID string) {
	s.common.mu.Lock()
	defer s.common.mu.Unlock()
	if s.common.tenants[tenantID] != nil || s.common.counting[tenantID] {
		s.common.stale[tenantID] = true
	}
}

// countWords reads the tenant's published articles and counts the
// articles each stem of their titles, bodies and tags is in.
func (s *Service) countWords(ctx context.Context, tenantID string) (*docCounts, error) {
	c := &docCounts{at: time.Now(), docs: map[string]int{}}
	for offset := 0; ; offset += commonPage {
		page, _, err := s.store.Articles(ctx, parley.ArticleFilter{TenantID: tenantID, PublishedOnly: true, Limit: commonPage, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			c.articles++
			seen := map[string]bool{}
			for _, w := range articleStems(a) {
				if !seen[w] {
					seen[w] = true
					c.docs[w]++
				}
			}
		}
		if len(page) < commonPage {
			return c, nil
		}
	}
}
