package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// SelfService is a runtime that can search the knowledge base and file
// tickets (package conversation). The self-service blocks need it; on a
// runtime without it they take their "none" exit.
type SelfService interface {
	// SearchKnowledge finds published articles for the chat's customer;
	// each hit's URL is its public page, opened in the webview.
	SearchKnowledge(ctx context.Context, chat *parley.Chat, q KnowledgeQuery) ([]ArticleRef, error)
	// ArticlesOffered records which articles the chat was offered.
	ArticlesOffered(ctx context.Context, chat *parley.Chat, ids []string) error
	// ArticleHelped records that the customer said an article answered them.
	ArticleHelped(ctx context.Context, chat *parley.Chat, id string) error
	// TicketFormURL is a signed link to the ticket form for the chat's
	// customer, valid for ttl.
	TicketFormURL(ctx context.Context, chat *parley.Chat, ttl time.Duration) (string, error)
	// SetFollowUp records the customer's follow-up consent on them and,
	// when ticketID is set, on that ticket.
	SetFollowUp(ctx context.Context, chat *parley.Chat, ticketID, consent string) error
}

// KnowledgeQuery is what Search Knowledge Base asks.
type KnowledgeQuery struct {
	Text     string
	Service  string // a service name: its articles and those of no service
	Language string
	Limit    int
	MinScore float64
}

// ArticleRef is one article found, as the blocks carry it in $(kb_results).
type ArticleRef struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Summary string  `json:"summary,omitempty"`
	URL     string  `json:"url"`
	Score   float64 `json:"score"`
}

// Variables the self-service blocks set.
const (
	KBQueryVar    = "kb_query"
	KBResultsVar  = "kb_results" // JSON list of ArticleRef
	KBCountVar    = "kb_count"
	KBHelpedVar   = "kb_helped" // the article the customer said answered them
	TicketIDVar   = "ticket_id"
	TicketNumVar  = "ticket_number"
	FollowUpVar   = "follow_up" // yes or no
	SigTicket     = "ticket"    // the ticket form was submitted: Text is the case number, Payload the ticket id
	KBNonePayload = "KB_NONE"
	KBHelpedPfx   = "KB_HELPED:"
	FollowUpYesPL = "FOLLOWUP_YES"
	FollowUpNoPL  = "FOLLOWUP_NO"
	maxOffered    = 9 // a carousel holds 10 cards; the last is "None of these"
)

func selfService(x *Exec) (SelfService, bool) {
	ss, ok := x.Runtime.(SelfService)
	return ss, ok
}

// searchKB searches the knowledge base for the text of query (usually the
// customer's answer to an Ask) and leaves the best hits in $(kb_results)
// and their number in $(kb_count). It leaves through "none" when nothing
// scored min_score or more.
type searchKB struct {
	query, service, language string
	limit                    int
	minScore                 float64
}

func newSearchKB(p *Params) Block {
	b := &searchKB{query: p.String("query", true), service: p.String("service", false), language: p.String("language", false),
		limit: p.Int("limit", 3)}
	b.minScore = float64(p.Int("min_score_percent", 20)) / 100
	if b.limit < 1 || b.limit > maxOffered {
		p.Failf("limit", "must be 1 to %d", maxOffered)
	}
	if b.minScore < 0 || b.minScore > 1 {
		p.Failf("min_score_percent", "must be 0 to 100")
	}
	return b
}

func (b *searchKB) Run(ctx context.Context, x *Exec) (Step, error) {
	text := strings.TrimSpace(Expand(b.query, x.Vars))
	x.Set(KBQueryVar, text)
	x.Set(KBCountVar, "0")
	x.Set(KBResultsVar, "[]")
	ss, ok := selfService(x)
	if !ok || text == "" {
		return Step{Exit: "none"}, nil
	}
	refs, err := ss.SearchKnowledge(ctx, x.Chat, KnowledgeQuery{Text: text, Service: Expand(b.service, x.Vars),
		Language: Expand(b.language, x.Vars), Limit: b.limit, MinScore: b.minScore})
	if err != nil {
		return Step{}, fmt.Errorf("search knowledge base: %w", err)
	}
	if len(refs) == 0 {
		return Step{Exit: "none"}, nil
	}
	data, err := json.Marshal(refs)
	if err != nil {
		return Step{}, fmt.Errorf("search knowledge base: %w", err)
	}
	x.Set(KBResultsVar, string(data))
	x.Set(KBCountVar, fmt.Sprint(len(refs)))
	return Step{Exit: "found"}, nil
}

// offerArticles shows $(kb_results) as a carousel: a card per article
// with a View button (its page in the webview) and a "This helped"
// postback, then a last card with "None of these". It waits for the
// customer: "helped" (default exit) when they say an article answered
// them, "none" on None of these (or when there is nothing to offer),
// "other" when they type something else ($(kb_query) becomes it, for
// another search), "timeout" when they do not answer.
type offerArticles struct {
	intro, noneTitle, viewTitle, helpedTitle string
	timeout                                  time.Duration
}

func newOfferArticles(p *Params) Block {
	b := &offerArticles{intro: p.String("text", false), noneTitle: p.String("none_title", false),
		viewTitle: p.String("view_title", false), helpedTitle: p.String("helped_title", false),
		timeout: p.Duration("timeout", 30*time.Minute)}
	if b.noneTitle == "" {
		b.noneTitle = "None of these"
	}
	if b.viewTitle == "" {
		b.viewTitle = "View"
	}
	if b.helpedTitle == "" {
		b.helpedTitle = "This answered it"
	}
	if b.timeout <= 0 {
		p.Failf("timeout", "must be positive")
	}
	return b
}

func (b *offerArticles) Run(ctx context.Context, x *Exec) (Step, error) {
	var refs []ArticleRef
	if err := json.Unmarshal([]byte(x.Vars[KBResultsVar]), &refs); err != nil || len(refs) == 0 {
		return Step{Exit: "none"}, nil
	}
	refs = refs[:min(len(refs), maxOffered)]
	if b.intro != "" {
		if err := say(ctx, x, OutMessage{Text: b.intro, plain: true}); err != nil {
			return Step{}, fmt.Errorf("offer articles: %w", err)
		}
	}
	m := OutMessage{}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
		m.Cards = append(m.Cards, Card{Title: r.Title, Subtitle: r.Summary, Buttons: []Button{
			{Type: "web_url", Title: b.viewTitle, URL: r.URL},
			{Type: "postback", Title: b.helpedTitle, Payload: KBHelpedPfx + r.ID},
		}})
	}
	m.Cards = append(m.Cards, Card{Title: "Not what you were looking for?", Buttons: []Button{
		{Type: "postback", Title: b.noneTitle, Payload: KBNonePayload}}})
	if err := say(ctx, x, m); err != nil {
		return Step{}, fmt.Errorf("offer articles: %w", err)
	}
	if ss, ok := selfService(x); ok {
		if err := ss.ArticlesOffered(ctx, x.Chat, ids); err != nil {
			return Step{}, fmt.Errorf("offer articles: %w", err)
		}
	}
	x.Unset(KBHelpedVar)
	return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
}

func (b *offerArticles) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	switch {
	case sig.Kind == SigTimer:
		return Step{Exit: "timeout"}, nil
	case sig.Payload == KBNonePayload || strings.EqualFold(strings.TrimSpace(sig.Text), b.noneTitle):
		return Step{Exit: "none"}, nil
	case strings.HasPrefix(sig.Payload, KBHelpedPfx):
		id := strings.TrimPrefix(sig.Payload, KBHelpedPfx)
		x.Set(KBHelpedVar, id)
		if ss, ok := selfService(x); ok {
			if err := ss.ArticleHelped(ctx, x.Chat, id); err != nil {
				return Step{}, fmt.Errorf("offer articles: %w", err)
			}
		}
		return Step{}, nil
	}
	x.Set(KBQueryVar, strings.TrimSpace(sig.Text))
	return Step{Exit: "other"}, nil
}

// createTicket sends a button that opens the ticket form in the webview,
// bound to this customer by a signed link valid for link_ttl, and waits
// for the form: then $(ticket_number) and $(ticket_id) are set and it
// leaves through the default exit; "timeout" when no form came back in
// timeout.
type createTicket struct {
	text, button     string
	linkTTL, timeout time.Duration
	confirm          string
}

func newCreateTicket(p *Params) Block {
	b := &createTicket{text: p.String("text", false), button: p.String("button", false), confirm: p.String("confirm", false),
		linkTTL: p.Duration("link_ttl", time.Hour), timeout: p.Duration("timeout", time.Hour)}
	if b.text == "" {
		b.text = "Tell us what happened in a short form and we will get back to you."
	}
	if b.button == "" {
		b.button = "Open the form"
	}
	if b.confirm == "" {
		b.confirm = "Thanks! Your case number is $(ticket_number)."
	}
	if b.linkTTL <= 0 || b.timeout <= 0 {
		p.Failf("timeout", "link_ttl and timeout must be positive")
	}
	return b
}

func (b *createTicket) Run(ctx context.Context, x *Exec) (Step, error) {
	ss, ok := selfService(x)
	if !ok {
		return Step{}, errors.New("create ticket: the runtime cannot file tickets")
	}
	link, err := ss.TicketFormURL(ctx, x.Chat, b.linkTTL)
	if err != nil {
		return Step{}, fmt.Errorf("create ticket: %w", err)
	}
	x.Unset(TicketIDVar)
	x.Unset(TicketNumVar)
	if err := say(ctx, x, OutMessage{Text: b.text, Buttons: []Button{{Type: "web_url", Title: b.button, URL: link}}}); err != nil {
		return Step{}, fmt.Errorf("create ticket: %w", err)
	}
	return Step{Wait: SigTicket, WakeAt: x.Now.Add(b.timeout)}, nil
}

func (b *createTicket) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	if sig.Kind == SigTimer {
		return Step{Exit: "timeout"}, nil
	}
	x.Set(TicketNumVar, sig.Text)
	x.Set(TicketIDVar, sig.Payload)
	if err := say(ctx, x, OutMessage{Text: b.confirm}); err != nil {
		return Step{}, fmt.Errorf("create ticket: %w", err)
	}
	return Step{}, nil
}

// followUpConsent asks whether the customer wants messages about their
// case (quick replies Yes / No, or a typed yes or no), and records the
// answer on the customer and on $(ticket_id)'s ticket. $(follow_up) is
// yes or no; the block leaves through the default exit, "timeout" when
// unanswered, "failed" after two answers that are neither.
type followUpConsent struct {
	question OutMessage
	timeout  time.Duration
}

const consentTriesVar = "_consent_tries"

func newFollowUpConsent(p *Params) Block {
	b := &followUpConsent{question: OutMessage{Text: p.String("text", false)}, timeout: p.Duration("timeout", 30*time.Minute)}
	if b.question.Text == "" {
		b.question.Text = "May we message you here when there is news about your case?"
	}
	yes, no := p.String("yes_title", false), p.String("no_title", false)
	if yes == "" {
		yes = "Yes, please"
	}
	if no == "" {
		no = "No, thanks"
	}
	b.question.QuickReplies = []QuickReply{{Title: yes, Payload: FollowUpYesPL}, {Title: no, Payload: FollowUpNoPL}}
	if b.timeout <= 0 {
		p.Failf("timeout", "must be positive")
	}
	return b
}

func (b *followUpConsent) Run(ctx context.Context, x *Exec) (Step, error) {
	x.Unset(consentTriesVar)
	if err := say(ctx, x, b.question); err != nil {
		return Step{}, fmt.Errorf("follow-up consent: %w", err)
	}
	return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
}

func (b *followUpConsent) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	if sig.Kind == SigTimer {
		return Step{Exit: "timeout"}, nil
	}
	consent, ok := parseConsent(sig, b.question.QuickReplies)
	if !ok {
		tries := len(x.Vars[consentTriesVar]) + 1
		if tries > 2 {
			x.Unset(consentTriesVar)
			return Step{Exit: "failed"}, nil
		}
		x.Set(consentTriesVar, strings.Repeat("x", tries))
		retry := b.question
		retry.Text = "Please answer yes or no."
		if err := say(ctx, x, retry); err != nil {
			return Step{}, fmt.Errorf("follow-up consent: %w", err)
		}
		return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
	}
	x.Unset(consentTriesVar)
	x.Set(FollowUpVar, consent)
	if ss, ok := selfService(x); ok {
		if err := ss.SetFollowUp(ctx, x.Chat, x.Vars[TicketIDVar], consent); err != nil {
			return Step{}, fmt.Errorf("follow-up consent: %w", err)
		}
	}
	return Step{}, nil
}

// parseConsent reads a Yes/No quick reply or a typed answer.
func parseConsent(sig Signal, qr []QuickReply) (string, bool) {
	switch sig.Payload {
	case FollowUpYesPL:
		return parley.FollowUpYes, true
	case FollowUpNoPL:
		return parley.FollowUpNo, true
	}
	t := strings.ToLower(strings.Trim(strings.TrimSpace(sig.Text), ".!"))
	switch t {
	case "yes", "y", "yeah", "sure", "ok", "okay", "please", "yes please", strings.ToLower(qr[0].Title):
		return parley.FollowUpYes, true
	case "no", "n", "nope", "no thanks", strings.ToLower(qr[1].Title):
		return parley.FollowUpNo, true
	}
	return "", false
}
