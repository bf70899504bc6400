package app

import (
	"context"

	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/scenario"
)

// kbKnowledge lets the scenario's self-service blocks search the
// knowledge base (conversation knows no kb).
type kbKnowledge struct{ kb *kb.Service }

// summaryChars is how much of an article a carousel card shows.
const summaryChars = 80

func (k kbKnowledge) SearchPublished(ctx context.Context, tenantID string, q scenario.KnowledgeQuery) ([]conversation.KnowledgeHit, error) {
	hits, err := k.kb.Search(ctx, kb.Query{TenantID: tenantID, Text: q.Text, Language: q.Language, Service: q.Service,
		Limit: q.Limit, MinScore: q.MinScore})
	if err != nil {
		return nil, err
	}
	out := make([]conversation.KnowledgeHit, len(hits))
	for i, h := range hits {
		out[i] = conversation.KnowledgeHit{ID: h.Article.ID, Title: h.Article.Title, Summary: kb.Excerpt(h.Article.Body, summaryChars), Score: h.Score}
	}
	return out, nil
}
