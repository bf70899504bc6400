package parley

import "time"

// Article is one knowledge base article: a self-service answer a bot can
// offer a customer and an agent can look up. Its body is Markdown.
type Article struct {
	ID        string
	TenantID  string
	Title     string
	Body      string   // Markdown
	Tags      []string // free labels, lower case
	Language  string   // ISO 639-1 code ("en", "fr", …); "" if unknown
	ServiceID string   // the service it is about; "" for every service
	Published bool     // visible to customers and agents
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts the saved changes, from 1. An update names the
	// version it was made from and fails with ECONFLICT if that is no
	// longer the stored one (optimistic concurrency).
	Version int
}

// ArticleFilter selects a page of a tenant's articles, newest change first.
type ArticleFilter struct {
	TenantID      string
	PublishedOnly bool
	Language      string // "" for any
	ServiceID     string // "" for any
	Limit         int    // at most this many; 0 or less: the store's default
	Offset        int    // skip this many
}

// ArticleQuery is a full-text search the store runs. The caller (package
// kb) has parsed the text already: the store only matches and ranks.
type ArticleQuery struct {
	TenantID string
	// Terms are what to look for: an article matches if it contains an
	// alternative of at least MinTerms of them. Each alternative is one
	// word or a phrase of words separated by single spaces, made of
	// letters and digits only (synonyms are alternatives of the same
	// term).
	Terms [][]string
	// MinTerms is how many of Terms a match contains at least: 0 or 1
	// for any term, len(Terms) or more for every one. The number of
	// term combinations the store matches is len(Terms) choose MinTerms.
	MinTerms      int
	Language      string // "" for any; else this language or none
	ServiceID     string // "" for any; else this service or none
	PublishedOnly bool
	Limit         int // at most this many hits, best first
}

// ArticleHit is one search result with the database's raw relevance
// (higher is better; comparable only within one query).
type ArticleHit struct {
	Article *Article
	Rank    float64
}
