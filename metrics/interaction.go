package metrics

import (
	"time"

	"github.com/parleycc/parley"
)

// Outcomes of a chat's first queue segment (Interaction.Outcome).
const (
	OutcomeAnswered       = "answered"
	OutcomeAbandoned      = "abandoned"
	OutcomeShortAbandoned = "short abandoned"
	OutcomeWaiting        = "waiting"
	OutcomeDirect         = "direct" // an agent segment without a queue
)

// Interaction is one chat as the interaction detail report shows it: its
// own figures (Counters: the contributions of its timeline, added up over
// its segments) and what happened to its first queue segment.
type Interaction struct {
	ChatID      string
	ServiceID   string // the first queue's (or the first accept's)
	AgentID     string // the last agent who accepted it
	Start       time.Time
	Outcome     string
	Wait        time.Duration // first queue entry → its accept or its leaving
	Waited      bool
	Disposition string // the last one set
	Score       int    // the last survey answer, 0 if none
	Counters
}

// Describe summarises one chat's sorted timeline under cfg.
func Describe(timeline []parley.Fact, cfg Config) Interaction {
	var in Interaction
	for _, r := range Contributions(timeline, cfg) {
		if r.AgentID == AllAgents {
			in.Counters.Add(r.Counters)
		}
	}
	var entered time.Time
	for _, f := range timeline {
		in.ChatID = f.ChatID
		switch f.Kind {
		case parley.FactEnteredQueue:
			if entered.IsZero() && in.Outcome == "" {
				entered, in.Start, in.ServiceID, in.Outcome = f.At, f.At, f.ServiceID, OutcomeWaiting
			}
		case parley.FactAccepted:
			in.AgentID = f.AgentID
			switch {
			case in.Outcome == "":
				in.Start, in.ServiceID, in.Outcome = f.At, f.ServiceID, OutcomeDirect
			case in.Outcome == OutcomeWaiting:
				in.Outcome, in.Wait, in.Waited = OutcomeAnswered, f.At.Sub(entered), true
			}
		case parley.FactAbandoned, parley.FactClosed:
			if in.Outcome == OutcomeWaiting {
				in.Wait, in.Waited = f.At.Sub(entered), true
				in.Outcome = OutcomeAbandoned
				if in.Wait < cfg.For(in.ServiceID).ShortAbandon {
					in.Outcome = OutcomeShortAbandoned
				}
			}
		case parley.FactDispositionSet:
			in.Disposition = f.Disposition
		case parley.FactSurveyAnswered:
			in.Score = f.Score
		}
	}
	return in
}
