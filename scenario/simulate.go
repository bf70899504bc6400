package scenario

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Conditions are the outside facts a simulated chat runs under.
type Conditions struct {
	AfterHours     bool   `yaml:"after_hours" json:"after_hours"`
	AgentsLoggedIn *int   `yaml:"agents_logged_in" json:"agents_logged_in"` // default 1
	AgentsReady    *int   `yaml:"agents_ready" json:"agents_ready"`         // default: AgentsLoggedIn
	QueueLength    int    `yaml:"queue_length" json:"queue_length"`
	MaxQueueLength int    `yaml:"max_queue_length" json:"max_queue_length"`
	Agent          string `yaml:"agent" json:"agent"` // username that answers; default "agent"
	Time           string `yaml:"time" json:"time"`   // RFC 3339 start time; default now
	// Knowledge is the knowledge base Search Knowledge Base looks in.
	Knowledge []SimArticle `yaml:"knowledge" json:"knowledge"`
}

// SimArticle is an article of a simulated knowledge base.
type SimArticle struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Body  string `yaml:"body" json:"body"`
}

// Simulation runs one chat through a scenario in memory: no database, no
// channel; the customer, the clock and the queue are driven by the caller.
// `parley scenario test` and the replay of transcripts use it.
type Simulation struct {
	Conditions Conditions
	HTTP       *http.Client // for HTTP Request blocks; default 10 s timeout

	chat   *parley.Chat
	sc     *Scenario
	engine *Engine
	now    time.Time
	queued bool
	closed bool
	bot    []string // texts sent, in order
}

// NewSimulation prepares a chat on sc with the given variables.
func NewSimulation(sc *Scenario, cond Conditions) (*Simulation, error) {
	s := &Simulation{Conditions: cond, sc: sc, now: time.Now().UTC().Truncate(time.Second)}
	if cond.Time != "" {
		t, err := time.Parse(time.RFC3339, cond.Time)
		if err != nil {
			return nil, fmt.Errorf("conditions.time: %w", err)
		}
		s.now = t
	}
	s.chat = &parley.Chat{ID: "simulated", State: parley.ChatBot}
	s.engine = &Engine{Runtime: s, Save: func(context.Context, *parley.Chat) error { return nil }, Now: func() time.Time { return s.now }}
	return s, nil
}

// Start runs the scenario from its first block.
func (s *Simulation) Start(ctx context.Context, vars map[string]string) error {
	if err := s.engine.Start(ctx, s.chat, s.sc, maps.Clone(vars)); err != nil {
		return err
	}
	return s.settle(ctx)
}

// Say delivers a customer's message (payload set for a tapped reply).
func (s *Simulation) Say(ctx context.Context, text, payload string) error {
	return s.signal(ctx, Signal{Kind: SigInput, Text: text, Payload: payload})
}

// AgentLeaves ends the agent's part of the chat.
func (s *Simulation) AgentLeaves(ctx context.Context) error {
	return s.signal(ctx, Signal{Kind: SigChatEnded})
}

// Advance moves the clock on by d, firing the timers that come due.
func (s *Simulation) Advance(ctx context.Context, d time.Duration) error {
	end := s.now.Add(d)
	for {
		p := s.chat.Scenario
		if p.Waiting == "" || p.WakeAt.IsZero() || p.WakeAt.After(end) {
			break
		}
		s.now = p.WakeAt
		if err := s.signal(ctx, Signal{Kind: SigTimer}); err != nil {
			return err
		}
	}
	s.now = end
	return nil
}

func (s *Simulation) signal(ctx context.Context, sig Signal) error {
	if s.closed {
		return nil
	}
	if err := s.engine.Signal(ctx, s.chat, s.sc, sig); err != nil && err != ErrNotWaiting {
		return err
	}
	return s.settle(ctx)
}

// settle plays routing: a queued chat gets an agent when one is ready.
func (s *Simulation) settle(ctx context.Context) error {
	for !s.closed && s.queued && s.chat.Scenario.Waiting == SigAgentFound && s.ready() > 0 {
		s.queued = false
		s.chat.State, s.chat.AgentID = parley.ChatAssigned, s.agent()
		if err := s.engine.Signal(ctx, s.chat, s.sc, Signal{Kind: SigAgentFound}); err != nil {
			return err
		}
	}
	return nil
}

// Bot returns the bot messages sent so far.
func (s *Simulation) Bot() []string { return slices.Clone(s.bot) }

// Position is where the chat stands.
func (s *Simulation) Position() parley.ScenarioPosition { return s.chat.Scenario }

// Closed reports whether the scenario ended the chat.
func (s *Simulation) Closed() bool { return s.closed }

func (s *Simulation) loggedIn() int {
	if s.Conditions.AgentsLoggedIn == nil {
		return 1
	}
	return *s.Conditions.AgentsLoggedIn
}

func (s *Simulation) ready() int {
	if s.Conditions.AgentsReady == nil {
		return s.loggedIn()
	}
	return *s.Conditions.AgentsReady
}

func (s *Simulation) agent() string {
	if s.Conditions.Agent == "" {
		return "agent"
	}
	return s.Conditions.Agent
}

// Send implements Runtime.
func (s *Simulation) Send(_ context.Context, _ *parley.Chat, text string) error {
	s.bot = append(s.bot, text)
	return nil
}

// Enqueue implements Runtime.
func (s *Simulation) Enqueue(_ context.Context, chat *parley.Chat, _ string, _ int) error {
	s.queued, chat.State = true, parley.ChatQueued
	return nil
}

// Close implements Runtime.
func (s *Simulation) Close(_ context.Context, chat *parley.Chat) error {
	s.closed, chat.State = true, parley.ChatClosed
	return nil
}

// SendMessage implements Environment; quick replies are shown as [a|b].
func (s *Simulation) SendMessage(_ context.Context, _ *parley.Chat, m OutMessage) error {
	text := m.Text
	var opts []string
	for _, q := range m.QuickReplies {
		opts = append(opts, q.Title)
	}
	for _, b := range m.Buttons {
		opts = append(opts, b.Title)
	}
	for _, c := range m.Cards {
		text = strings.TrimSpace(text + " {" + c.Title + "}")
	}
	if len(opts) > 0 {
		text += " [" + strings.Join(opts, "|") + "]"
	}
	s.bot = append(s.bot, text)
	return nil
}

// Queue implements Environment from the conditions.
func (s *Simulation) Queue(context.Context, *parley.Chat, string) (QueueInfo, error) {
	q := QueueInfo{Length: s.Conditions.QueueLength, AgentsLoggedIn: s.loggedIn(), AgentsReady: s.ready(), MaxLength: s.Conditions.MaxQueueLength}
	if s.queued {
		q.Length++
		q.Position = q.Length
	}
	q.EstimatedWait = time.Duration(q.Length) * 2 * time.Minute
	return q, nil
}

// EnqueueFor implements Environment.
func (s *Simulation) EnqueueFor(ctx context.Context, chat *parley.Chat, r QueueRequest) error {
	chat.AgentID = ""
	return s.Enqueue(ctx, chat, r.Service, r.Priority)
}

// Dequeue implements Environment.
func (s *Simulation) Dequeue(_ context.Context, chat *parley.Chat) (bool, error) {
	was := s.queued
	s.queued, chat.State = false, parley.ChatBot
	return was, nil
}

// AgentName implements Environment.
func (s *Simulation) AgentName(context.Context, *parley.Chat) (string, error) { return s.agent(), nil }

// Schedule implements Environment from the conditions.
func (s *Simulation) Schedule(_ context.Context, _ *parley.Chat, now time.Time) (bool, time.Time, error) {
	return !s.Conditions.AfterHours, now, nil
}

// HTTPClient implements Environment.
func (s *Simulation) HTTPClient() *http.Client {
	if s.HTTP == nil {
		return &http.Client{Timeout: 10 * time.Second}
	}
	return s.HTTP
}
