package parley

import (
	"context"
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
	FactGraded           = "graded"            // a supervisor graded AgentID's chat: Score 0–100 (evaluation form)
)

// FactKinds lists every fact kind.
var FactKinds = []string{
	FactEnteredQueue, FactOffered, FactAccepted, FactFirstAgentReply,
	FactAgentReply, FactCustomerMessage, FactTransferred, FactAgentLeft,
	FactConferenceJoined, FactClosed, FactAbandoned, FactDispositionSet,
	FactSurveyAnswered, FactGraded,
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

	Score         int    // survey_answered: 1–5; graded: 0–100
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
	case f.Kind == FactGraded && (f.Score < 0 || f.Score > 100):
		return Errorf(EINVALID, "fact graded: score must be 0–100, not %d", f.Score)
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

// EventThresholdCrossed is appended to the event log when a service's
// figure on the wallboard moves between ok, warning and alert (service
// level under target, a wait over the maximum, the queue full). It is the
// event outgoing webhooks carry (parley.HookThresholdCrossed); the
// supervisor pages show it.
const EventThresholdCrossed = "threshold.crossed"

// ServiceThresholds are a service's limits: how its chats are counted
// (service level, dropout, chat-time limit) and when the wallboard turns
// amber or red. MaxQueueLength (the maximum waiting) stays on Service.
type ServiceThresholds struct {
	ServiceID string `json:"service_id"`
	// ServiceLevel is T: a chat answered within it is in service level.
	ServiceLevel time.Duration `json:"-"`
	// ServiceLevelTarget is the percentage of chats to answer within T.
	ServiceLevelTarget int `json:"service_level_target"`
	// Dropout: a chat leaving the queue sooner is short-abandoned.
	Dropout time.Duration `json:"-"`
	// ChatTimeLimit is the longest expected agent segment; 0: none.
	ChatTimeLimit time.Duration `json:"-"`
	// MaxWait is the longest wait before the wallboard turns red; 0: none.
	MaxWait time.Duration `json:"-"`
}

// DefaultThresholds apply to services that were never given any: 60 s at
// 80 %, 10 s dropout, 30-minute chat time, no maximum wait.
func DefaultThresholds(serviceID string) ServiceThresholds {
	return ServiceThresholds{ServiceID: serviceID, ServiceLevel: 60 * time.Second, ServiceLevelTarget: 80,
		Dropout: 10 * time.Second, ChatTimeLimit: 30 * time.Minute}
}

// Validate reports the first invalid field.
func (t *ServiceThresholds) Validate() error {
	switch {
	case t.ServiceLevel <= 0:
		return Errorf(EINVALID, "service_level must be more than 0 seconds")
	case t.ServiceLevelTarget < 1 || t.ServiceLevelTarget > 100:
		return Errorf(EINVALID, "service_level_target must be 1–100 (percent)")
	case t.Dropout < 0 || t.ChatTimeLimit < 0 || t.MaxWait < 0:
		return Errorf(EINVALID, "dropout, chat_time_limit and max_wait must not be negative")
	}
	return nil
}

// MetricStore keeps the facts of chats' lives and what reports need
// besides them. The store records the facts of its own state changes
// (queue, offer, accept, transfer, close, abandon, messages) in the same
// transaction as the change; AddFacts is for the facts other parts of
// Parley observe (dispositions, survey answers).
type MetricStore interface {
	// AddFacts validates and stores facts and updates the report
	// aggregates with the services' thresholds, in one transaction.
	AddFacts(ctx context.Context, facts []Fact) error
	// SetServiceThresholds stores a service's thresholds; facts stored
	// afterwards are counted with them.
	SetServiceThresholds(ctx context.Context, t ServiceThresholds) error
	// ServiceThresholds returns the tenant's thresholds by service id;
	// services without their own are absent (DefaultThresholds apply).
	ServiceThresholds(ctx context.Context, tenantID string) (map[string]ServiceThresholds, error)
	// SetTenantTimeZone sets the IANA zone reports use for days and hours.
	SetTenantTimeZone(ctx context.Context, tenantID, zone string) error
	// TenantTimeZone returns it; "" means UTC.
	TenantTimeZone(ctx context.Context, tenantID string) (string, error)
}

// internalKinds are message kinds that are never a reply to the customer
// nor a customer's message (transcript events, sender actions, platform
// bookkeeping, messages between staff). A kind that only agents see must
// be listed here, or it would stop the first-response clock.
var internalKinds = map[string]bool{
	KindEvent: true, KindAction: true, KindOptin: true, KindReferral: true, KindEcho: true,
	"whisper": true, "note": true,
}

// MessageFact returns the fact kind a stored message is, or "": a human
// agent's outbound message is an agent reply (FactFirstAgentReply when
// first is true: no human agent wrote in the chat before), a customer's
// inbound message a customer message. Bot, system and page messages and
// internal kinds are never facts.
func MessageFact(m *Message, first bool) string {
	switch {
	case internalKinds[m.Kind]:
		return ""
	case m.Direction == Outbound && m.Sender == SenderAgent && m.AgentID != "":
		if first {
			return FactFirstAgentReply
		}
		return FactAgentReply
	case m.Direction == Inbound && m.Sender == SenderCustomer:
		return FactCustomerMessage
	}
	return ""
}

// FactCount is how many facts of one kind a service's agent had with one
// disposition or score (reports of dispositions and survey answers).
type FactCount struct {
	ServiceID, AgentID string
	Disposition        string
	Score              int
	N                  int64
}
