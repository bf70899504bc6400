package scenario

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Case is one conversation script: conditions, the customer's side and
// what the bot must answer. Steps run in order; each does one thing.
type Case struct {
	Name       string            `yaml:"name"`
	Conditions Conditions        `yaml:"conditions"`
	Vars       map[string]string `yaml:"vars"`
	Steps      []ScriptStep      `yaml:"steps"`
}

// ScriptStep is one step of a Case.
type ScriptStep struct {
	Customer    string            `yaml:"customer"`     // the customer writes
	Tap         string            `yaml:"tap"`          // the customer taps a reply with this payload
	Bot         string            `yaml:"bot"`          // expect this bot message next ("~text": containing text)
	Wait        string            `yaml:"wait"`         // time passes: "5m"
	AgentLeaves bool              `yaml:"agent_leaves"` // the agent ends their part
	Ticket      string            `yaml:"ticket"`       // the customer submits the ticket form; the case number
	At          string            `yaml:"at"`           // expect the chat on this block
	Ended       bool              `yaml:"ended"`        // expect the scenario to have ended the chat
	Vars        map[string]string `yaml:"vars"`         // expect these variables
	Line        int               `yaml:"-"`            // where the step is written, for reports
}

// Failure is a step whose expectation did not hold.
type Failure struct {
	Step int // 1-based
	Line int
	Msg  string
}

func (f Failure) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%d: step %d: %s", f.Line, f.Step, f.Msg)
	}
	return fmt.Sprintf("step %d: %s", f.Step, f.Msg)
}

// RunCase runs c against sc and returns the failed expectations; an error
// means the scenario itself failed to run.
func RunCase(ctx context.Context, sc *Scenario, c Case) ([]Failure, error) {
	sim, err := NewSimulation(sc, c.Conditions)
	if err != nil {
		return nil, err
	}
	if err := sim.Start(ctx, c.Vars); err != nil {
		return nil, err
	}
	var fails []Failure
	seen := 0 // bot messages already matched
	for i, st := range c.Steps {
		fail := func(format string, args ...any) {
			fails = append(fails, Failure{Step: i + 1, Line: st.Line, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case st.Customer != "" || st.Tap != "":
			err = sim.Say(ctx, st.Customer, st.Tap)
		case st.Wait != "":
			d, perr := time.ParseDuration(st.Wait)
			if perr != nil {
				return fails, fmt.Errorf("step %d: wait: %w", i+1, perr)
			}
			err = sim.Advance(ctx, d)
		case st.AgentLeaves:
			err = sim.AgentLeaves(ctx)
		case st.Ticket != "":
			err = sim.SubmitTicket(ctx, st.Ticket)
		case st.Bot != "":
			bot := sim.Bot()
			if seen >= len(bot) {
				fail("expected bot message %q, but the bot said nothing more", st.Bot)
				continue
			}
			if got := bot[seen]; !matchText(st.Bot, got) {
				fail("bot said %q, expected %q", got, st.Bot)
			}
			seen++
		case st.At != "":
			if got := sim.Position().Block; got != st.At {
				fail("chat is on block %q, expected %q", got, st.At)
			}
		case st.Ended:
			if !sim.Closed() {
				fail("chat is still running, on block %q", sim.Position().Block)
			}
		case len(st.Vars) > 0:
			for _, k := range slices.Sorted(maps.Keys(st.Vars)) {
				if got := sim.Position().Vars[k]; got != st.Vars[k] {
					fail("variable %s is %q, expected %q", k, got, st.Vars[k])
				}
			}
		default:
			return fails, fmt.Errorf("step %d: empty step", i+1)
		}
		if err != nil {
			return fails, fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	if extra := sim.Bot()[min(seen, len(sim.Bot())):]; len(extra) > 0 && len(c.Steps) > 0 {
		fails = append(fails, Failure{Step: len(c.Steps), Msg: fmt.Sprintf("unexpected bot messages at the end: %q", extra)})
	}
	return fails, nil
}

func matchText(want, got string) bool {
	if sub, ok := strings.CutPrefix(want, "~"); ok {
		return strings.Contains(got, sub)
	}
	return want == got
}

// Recorded is the transcript of a chat that really happened, as replay
// needs it: the variables it started with and its messages in order.
type Recorded struct {
	ChatID   string
	Vars     map[string]string
	Messages []RecordedMessage
	Assigned bool // an agent took the chat
}

// RecordedMessage is one message of a recorded transcript.
type RecordedMessage struct {
	FromCustomer bool
	Bot          bool
	Text         string
	Payload      string
}

// Difference is where a replayed chat's bot diverged from the recording.
type Difference struct {
	ChatID string
	Index  int // index among bot messages
	Was    string
	Now    string
}

// Replay plays the customer's side of rec against sc and reports where the
// bot's messages differ from the recorded ones. Agents are simulated as
// ready when the recorded chat was taken by one, and the agent leaves once
// the customer has said everything.
func Replay(ctx context.Context, sc *Scenario, rec Recorded) ([]Difference, error) {
	ready := 0
	if rec.Assigned {
		ready = 1
	}
	sim, err := NewSimulation(sc, Conditions{AgentsLoggedIn: &ready, AgentsReady: &ready})
	if err != nil {
		return nil, err
	}
	if err := sim.Start(ctx, rec.Vars); err != nil {
		return nil, err
	}
	var was []string
	for _, m := range rec.Messages {
		switch {
		case m.FromCustomer:
			if err := sim.Say(ctx, m.Text, m.Payload); err != nil {
				return nil, err
			}
		case m.Bot:
			was = append(was, m.Text)
		}
	}
	if sim.Position().Waiting == SigChatEnded {
		if err := sim.AgentLeaves(ctx); err != nil {
			return nil, err
		}
	}
	now := sim.Bot()
	var diffs []Difference
	for i := range max(len(was), len(now)) {
		var w, n string
		if i < len(was) {
			w = was[i]
		}
		if i < len(now) {
			n = now[i]
		}
		if stripOptions(w) != stripOptions(n) {
			diffs = append(diffs, Difference{ChatID: rec.ChatID, Index: i, Was: w, Now: n})
		}
	}
	return diffs, nil
}

// stripOptions drops the " [a|b]" the simulation appends for quick
// replies, which recorded transcripts keep in the payload instead.
func stripOptions(s string) string {
	if i := strings.LastIndex(s, " ["); i >= 0 && strings.HasSuffix(s, "]") {
		return s[:i]
	}
	return s
}
