package scenario

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// findAgent puts the chat in a service's queue with its required skills
// and priority, and waits until routing assigns it. It leaves through
// "found" (with $(destination) set to the agent's username), "timeout",
// "no_agents" (nobody of the service is logged in) or "queue_full". While
// the chat waits, it can tell the customer their place in line. The
// no_agents and queue_full exits are taken only when the scenario wires
// them; otherwise the chat queues and waits.
type findAgent struct {
	service       string
	skills        []string
	priority      int
	timeout       time.Duration
	positionText  string
	positionEvery time.Duration
}

// Variables Find Agent keeps while it waits.
const (
	queuedAtVar = "_queued_at" // unix seconds the block queued the chat
	skillsVar   = "required_skills"
)

func newFindAgent(p *Params) Block {
	return buildFindAgent(p, true)
}

// newSendToService moves the chat to another service's queue: a transfer
// when an agent has it, a plain Find Agent otherwise.
func newSendToService(p *Params) Block {
	return buildFindAgent(p, true)
}

func buildFindAgent(p *Params, serviceRequired bool) *findAgent {
	b := &findAgent{
		service:       p.String("service", serviceRequired),
		skills:        p.Strings("skills"),
		priority:      p.Int("priority", 0),
		timeout:       p.Duration("timeout", 0),
		positionText:  p.String("position_text", false),
		positionEvery: p.Duration("position_every", time.Minute),
	}
	for _, sk := range b.skills {
		name, lvl, hasLevel := strings.Cut(sk, ":")
		if n, err := strconv.Atoi(strings.TrimSpace(lvl)); strings.TrimSpace(name) == "" || strings.Contains(sk, ",") ||
			hasLevel && (err != nil || n < 0 || n > 100) {
			p.Failf("skills", "%q: write a skill as \"name\" or \"name:minlevel\" (level 0-100)", sk)
		}
	}
	if b.positionText != "" && b.positionEvery < time.Second {
		p.Failf("position_every", "must be at least 1s")
	}
	return b
}

func (b *findAgent) Run(ctx context.Context, x *Exec) (Step, error) {
	service := Expand(b.service, x.Vars)
	env, ok := environment(x)
	if !ok {
		if err := x.Runtime.Enqueue(ctx, x.Chat, service, b.priority); err != nil {
			return Step{}, fmt.Errorf("find agent: %w", err)
		}
		return Step{Wait: SigAgentFound}, nil
	}
	q, err := env.Queue(ctx, x.Chat, service)
	if err != nil {
		return Step{}, fmt.Errorf("find agent: %w", err)
	}
	// An outcome the scenario does not handle is not taken: the chat
	// queues and waits, as it would without the check.
	switch {
	case q.AgentsLoggedIn == 0 && x.HasExit("no_agents"):
		return Step{Exit: "no_agents"}, nil
	case q.MaxLength > 0 && q.Length >= q.MaxLength && x.HasExit("queue_full"):
		return Step{Exit: "queue_full"}, nil
	}
	if len(b.skills) > 0 {
		x.Set(skillsVar, strings.Join(b.skills, ","))
	} else {
		x.Unset(skillsVar)
	}
	x.Set(queuedAtVar, strconv.FormatInt(x.Now.Unix(), 10))
	if err := env.EnqueueFor(ctx, x.Chat, QueueRequest{Service: service, Priority: b.priority, Skills: b.skills}); err != nil {
		return Step{}, fmt.Errorf("find agent: %w", err)
	}
	return b.wait(x), nil
}

// wait waits for an agent, with a timer for the next position message or
// the timeout, whichever comes first.
func (b *findAgent) wait(x *Exec) Step {
	s := Step{Wait: SigAgentFound}
	if b.positionText != "" {
		s.WakeAt = x.Now.Add(b.positionEvery)
	}
	if dl := b.deadline(x); !dl.IsZero() && (s.WakeAt.IsZero() || dl.Before(s.WakeAt)) {
		s.WakeAt = dl
	}
	return s
}

func (b *findAgent) deadline(x *Exec) time.Time {
	if b.timeout == 0 {
		return time.Time{}
	}
	since, err := strconv.ParseInt(x.Vars[queuedAtVar], 10, 64)
	if err != nil {
		return x.Now.Add(b.timeout)
	}
	return time.Unix(since, 0).Add(b.timeout)
}

func (b *findAgent) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	env, ok := environment(x)
	if !ok {
		return Step{Exit: "found"}, nil
	}
	if sig.Kind == SigAgentFound {
		x.Unset(queuedAtVar)
		name, err := env.AgentName(ctx, x.Chat)
		if err != nil {
			return Step{}, fmt.Errorf("find agent: %w", err)
		}
		x.Set("destination", name)
		return Step{Exit: "found"}, nil
	}
	if dl := b.deadline(x); !dl.IsZero() && !x.Now.Before(dl) {
		dequeued, err := env.Dequeue(ctx, x.Chat)
		if err != nil {
			return Step{}, fmt.Errorf("find agent: %w", err)
		}
		if !dequeued { // routing assigned it just now; its signal follows
			return Step{Wait: SigAgentFound}, nil
		}
		x.Unset(queuedAtVar)
		return Step{Exit: "timeout"}, nil
	}
	if err := b.tellPosition(ctx, x, env); err != nil {
		return Step{}, err
	}
	return b.wait(x), nil
}

// tellPosition sends the position message with $(queue_position),
// $(queue_length) and $(estimated_wait) (minutes, at least 1).
func (b *findAgent) tellPosition(ctx context.Context, x *Exec, env Environment) error {
	q, err := env.Queue(ctx, x.Chat, Expand(b.service, x.Vars))
	if err != nil {
		return fmt.Errorf("find agent: %w", err)
	}
	x.Set("queue_position", strconv.Itoa(q.Position))
	x.Set("queue_length", strconv.Itoa(q.Length))
	x.Set("estimated_wait", strconv.Itoa(max(1, int((q.EstimatedWait+time.Minute-1)/time.Minute))))
	if err := say(ctx, x, OutMessage{Text: b.positionText}); err != nil {
		return fmt.Errorf("find agent: %w", err)
	}
	return nil
}
