package parley

import "time"

// InboundEvent is one platform event exactly as received, stored before the
// webhook is acknowledged so that nothing acknowledged is ever lost.
type InboundEvent struct {
	ID          int64
	TenantID    string
	AccountID   string
	Channel     string
	DedupKey    string // platform message id or equivalent; redeliveries collide
	Kind        string
	Payload     []byte // the platform's JSON for this single event
	ReceivedAt  time.Time
	ProcessedAt time.Time
	Error       string
}

// OutboundAttempt logs one try at delivering an outbound message.
type OutboundAttempt struct {
	MessageID  string
	Attempt    int
	At         time.Time
	Error      string
	ExternalID string
}
