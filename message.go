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
	// SenderPage is someone else writing as the page (Page Inbox, another
	// app): known from the platform's echo of the message.
	SenderPage = "page"
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
	// KindAction is a sender action sent through the outbox, in order with
	// the chat's messages; Text holds it ("typing_on" before a message
	// with a typing delay). Not a bubble of the transcript.
	KindAction = "action"

	// Messenger kinds; their detail is JSON in Message.Payload (see
	// conversation/inbound_kinds.go), except quick replies and postbacks
	// whose Payload is the platform payload itself.
	KindAttachment = "attachment" // {"attachments":[{"type","url","name","file_id","source_url"}]}
	KindLocation   = "location"   // {"lat","long","title","url"}
	KindSticker    = "sticker"    // {"sticker_id","like"}
	KindQuickReply = "quick_reply"
	KindOptin      = "optin"    // {"ref"}
	KindReferral   = "referral" // {"ref","source","type","ad_id"}
	KindEcho       = "echo"     // sent from the page by another tool
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
	// ClientKey is the key the sender's browser gave an agent's send, so
	// that the same request sent again stores nothing new (unique per
	// chat; empty: none).
	ClientKey string
}

// MaybeSentPrefix begins the error of an outbound message that is failed
// because it may have reached the customer: its send began but no answer
// came (a timeout, a lost connection, a crash). Such a message is never
// sent again by Parley; the agent sees it and may resend.
const MaybeSentPrefix = "may have been sent"
