package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// The simulation's self-service: a word-matching search over the
// conditions' articles, tickets filed by a script's ticket step.

var _ SelfService = (*Simulation)(nil)

// SearchKnowledge implements SelfService: an article scores the share of
// the query's words (three letters or more) found in its title or body.
func (s *Simulation) SearchKnowledge(_ context.Context, _ *parley.Chat, q KnowledgeQuery) ([]ArticleRef, error) {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		if w = strings.Trim(w, ".,!?;:'\""); len(w) >= 3 {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	var out []ArticleRef
	for _, a := range s.Conditions.Knowledge {
		text := strings.ToLower(a.Title + " " + a.Body)
		n := 0
		for _, w := range words {
			if strings.Contains(text, w) {
				n++
			}
		}
		score := float64(n) / float64(len(words))
		if n > 0 && score >= q.MinScore {
			out = append(out, ArticleRef{ID: a.ID, Title: a.Title, URL: "https://kb.example/" + a.ID, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b ArticleRef) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// ArticlesOffered implements SelfService.
func (s *Simulation) ArticlesOffered(context.Context, *parley.Chat, []string) error { return nil }

// ArticleHelped implements SelfService.
func (s *Simulation) ArticleHelped(context.Context, *parley.Chat, string) error { return nil }

// TicketFormURL implements SelfService.
func (s *Simulation) TicketFormURL(context.Context, *parley.Chat, time.Duration) (string, error) {
	return "https://simulated.example/ticket", nil
}

// SetFollowUp implements SelfService.
func (s *Simulation) SetFollowUp(context.Context, *parley.Chat, string, string) error { return nil }

// SubmitTicket plays the customer sending the ticket form: the ticket
// gets the case number.
func (s *Simulation) SubmitTicket(ctx context.Context, number string) error {
	return s.signal(ctx, Signal{Kind: SigTicket, Text: number, Payload: fmt.Sprintf("ticket-%s", number)})
}
