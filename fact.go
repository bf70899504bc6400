package parley

import (
	"fmt"
	"time"
)

// Fact kinds: the things that happen in an interaction's life. The
// definitions of the reports built on them are in package metrics and
// docs/METRICS.md.
const (
	FactEnteredQueue     = "entered_queue"     // the chat joined ServiceID's queue (also after a transfer or an agent leaving)
	FactOffered          = "offered"           // the chat was offered to AgentID
	FactAccepted         = "accepted"          // AgentID accepted: an agent segment begins
	FactFirstAgentReply  = "first_agent_reply" // the chat's first message by a human agent
	FactAgentReply       = "agent_reply"       // a later message by a human agent (never a bot)
	FactCustomerMessage  = "customer_message"  // a message from the customer
	FactTransferred      = "transferred"       // AgentID handed the chat to TargetService (and TargetAgent, if any)
	FactAgentLeft        = "agent_left"        // AgentID's part ended otherwise (released, signed off)
	FactConferenceJoined = "conference_joined" // AgentID joined as a conference guest
	FactClosed           = "closed"            // the chat was closed
	FactAbandoned        = "abandoned"         // the customer left (or went silent) while queued
	FactDispositionSet   = "disposition_set"   // AgentID set Disposition
	FactSurveyAnswered   = "survey_answered"   // the customer answered a satisfaction question with Score 1–5
)

// FactKinds lists every fact kind.
var FactKinds = []string{
	FactEnteredQueue, FactOffered, FactAccepted, FactFirstAgentReply,
	FactAgentReply, FactCustomerMessage, FactTransferred, FactAgentLeft,
	FactConferenceJoined, FactClosed, FactAbandoned, FactDispositionSet,
	FactSurveyAnswered,
}

// Fact is one timestamped thing that happened in a chat's life. A chat's
// facts, ordered by At (then by ID, the order they were stored), are its
// timeline; reports are computed from timelines only.
type Fact struct {
	ID        int64 // assigned by the store, increasing
	TenantID  string
	ChatID    string
	ServiceID string // the service concerned (the queue, or the one served from)
	AgentID   string // the human agent concerned; empty for customer and system facts
	Kind      string
	At        time.Time

	Score         int    // survey_answered: 1–5
	Disposition   string // disposition_set: the disposition's name
	TargetService string // transferred: the service the chat goes to
	TargetAgent   string // transferred: the agent it is aimed at, if any
}

// Validate reports the first invalid field.
func (f *Fact) Validate() error {
	switch {
	case f.TenantID == "" || f.ChatID == "":
		return Errorf(EINVALID, "fact: tenant and chat required")
	case f.At.IsZero():
		return Errorf(EINVALID, "fact %s: time required", f.Kind)
	case !knownFactKind(f.Kind):
		return Errorf(EINVALID, "fact: unknown kind %q", f.Kind)
	case f.Kind == FactSurveyAnswered && (f.Score < 1 || f.Score > 5):
		return Errorf(EINVALID, "fact survey_answered: score must be 1–5, not %d", f.Score)
	case f.Kind == FactDispositionSet && f.Disposition == "":
		return Errorf(EINVALID, "fact disposition_set: disposition required")
	case f.Kind == FactTransferred && f.TargetService == "":
		return Errorf(EINVALID, "fact transferred: target service required")
	case needsAgent(f.Kind) && f.AgentID == "":
		return Errorf(EINVALID, "fact %s: agent required", f.Kind)
	case f.Kind == FactEnteredQueue && f.ServiceID == "":
		return Errorf(EINVALID, "fact entered_queue: service required")
	}
	return nil
}

// String describes the fact for test failures and logs.
func (f Fact) String() string {
	return fmt.Sprintf("%s %s %s svc=%s agent=%s", f.At.UTC().Format(time.RFC3339), f.ChatID, f.Kind, f.ServiceID, f.AgentID)
}

func knownFactKind(kind string) bool {
	for _, k := range FactKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func needsAgent(kind string) bool {
	switch kind {
	case FactOffered, FactAccepted, FactFirstAgentReply, FactAgentReply,
		FactAgentLeft, FactConferenceJoined:
		return true
	}
	return false
}
