package conversation

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Knowledge is the knowledge base as the self-service blocks search it
// (package kb, wired by app): published articles only.
type Knowledge interface {
	SearchPublished(ctx context.Context, tenantID string, q scenario.KnowledgeQuery) ([]KnowledgeHit, error)
}

// KnowledgeHit is one article found for a customer.
type KnowledgeHit struct {
	ID, Title, Summary string
	Score              float64
}

var _ scenario.SelfService = runtime{}

// SearchKnowledge implements scenario.SelfService: hits link to their
// public page, which fits the Messenger webview.
func (r runtime) SearchKnowledge(ctx context.Context, chat *parley.Chat, q scenario.KnowledgeQuery) ([]scenario.ArticleRef, error) {
	if r.s.Knowledge == nil {
		return nil, nil
	}
	if q.Service == "" && chat.ServiceID != "" {
		svc, err := r.s.Store.Service(ctx, chat.ServiceID)
		if err != nil {
			return nil, err
		}
		q.Service = svc.Name
	}
	hits, err := r.s.Knowledge.SearchPublished(ctx, chat.TenantID, q)
	if err != nil {
		return nil, err
	}
	out := make([]scenario.ArticleRef, len(hits))
	now := r.s.Clock.Now()
	for i, h := range hits {
		// The link says which chat it was offered in, signed, so that
		// opening it counts for the article's usefulness.
		tok, err := r.s.signLink(ctx, linkClaims{Purpose: linkArticleOpen, Tenant: chat.TenantID, Chat: chat.ID,
			Customer: chat.CustomerID, Article: h.ID, Issued: now.Unix(), Expires: now.Add(articleLinkTTL).Unix()})
		if err != nil {
			return nil, err
		}
		out[i] = scenario.ArticleRef{ID: h.ID, Title: h.Title, Summary: h.Summary, Score: h.Score,
			URL: r.s.publicURL("/kb/" + url.PathEscape(chat.TenantID) + "/articles/" + url.PathEscape(h.ID) + "?o=" + tok)}
	}
	return out, nil
}

// articleLinkTTL is how long opening an offered article still counts.
const articleLinkTTL = 30 * 24 * time.Hour

// ArticlesOffered implements scenario.SelfService (the self-service
// report's offers).
func (r runtime) ArticlesOffered(ctx context.Context, chat *parley.Chat, ids []string) error {
	return r.s.Store.RecordOffers(ctx, chat.TenantID, chat.ID, ids, r.s.Clock.Now())
}

// ArticleHelped implements scenario.SelfService.
func (r runtime) ArticleHelped(ctx context.Context, chat *parley.Chat, id string) error {
	return r.s.Store.MarkOffer(ctx, chat.TenantID, chat.ID, id, parley.OfferHelped, r.s.Clock.Now())
}

// ArticleOpened records that a customer opened an article from the link
// offered in their chat (token: the link's o parameter). A bad or expired
// token counts nothing: the page is public and shows anyway.
func (s *Service) ArticleOpened(ctx context.Context, tenantID, articleID, token string) error {
	c, err := s.openLink(ctx, token, linkArticleOpen)
	if err != nil || c.Tenant != tenantID || c.Article != articleID {
		return nil
	}
	return s.Store.MarkOffer(ctx, c.Tenant, c.Chat, c.Article, parley.OfferOpened, s.Clock.Now())
}

// TicketFormURL implements scenario.SelfService.
func (r runtime) TicketFormURL(ctx context.Context, chat *parley.Chat, ttl time.Duration) (string, error) {
	now := r.s.Clock.Now()
	tok, err := r.s.signLink(ctx, linkClaims{Purpose: linkTicketForm, Tenant: chat.TenantID, Chat: chat.ID,
		Customer: chat.CustomerID, Issued: now.Unix(), Expires: now.Add(clampTTL(ttl)).Unix()})
	if err != nil {
		return "", fmt.Errorf("ticket form link: %w", err)
	}
	return r.s.publicURL("/webview/ticket/" + tok), nil
}

// SetFollowUp implements scenario.SelfService.
func (r runtime) SetFollowUp(ctx context.Context, chat *parley.Chat, ticketID, consent string) error {
	return r.s.recordConsent(ctx, chat.TenantID, chat.CustomerID, ticketID, consent)
}

// publicURL makes an absolute link from a path on this server.
func (s *Service) publicURL(path string) string {
	return s.PublicURL + path
}
