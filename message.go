package parley

import "time"

// Message directions.
const (
	Inbound  = "in"
	Outbound = "out"
)

// Who wrote a message.
const (
	SenderCustomer = "customer"
	SenderAgent    = "agent"
	SenderBot      = "bot"
	SenderSystem   = "system"
)

// Message delivery states. Inbound messages are "received"; outbound ones
// go pending → sending → sent → delivered → read, or end "failed".
const (
	MsgReceived  = "received"
	MsgPending   = "pending"
	MsgSending   = "sending"
	MsgSent      = "sent"
	MsgDelivered = "delivered"
	MsgRead      = "read"
	MsgFailed    = "failed"
)

// Message kinds.
const (
	KindText     = "text"
	KindPostback = "postback"
	KindEvent    = "event" // something that happened, shown in the transcript
)

// Message is one entry of a chat's transcript. Outbound messages double as
// the outbox: the sender delivers those still pending.
type Message struct {
	ID            string
	TenantID      string
	ChatID        string
	Seq           int64 // order within the chat, assigned by the store
	Direction     string
	Sender        string
	AgentID       string
	Kind          string
	Text          string
	Payload       string // postback payload or other structured detail (JSON)
	ExternalID    string // platform message id (Facebook mid)
	Status        string
	Error         string // the final error when Status is failed
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time
	PlatformTime  time.Time // the platform's timestamp of an inbound message
	CreatedAt     time.Time
}
