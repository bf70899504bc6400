package parley

// OpenChat is an open (queued or assigned) chat with what a view of it
// shows: its customer, service, routing record, offer and last message.
// A store reads every open chat of a tenant with it in one query (the
// supervisor view), instead of several lookups per chat.
type OpenChat struct {
	Chat *Chat
	// Customer holds ID, FirstName, LastName and ProfilePic; zero if the
	// chat's customer row is missing.
	Customer    Customer
	ServiceName string // "" if the chat has no service or it was deleted
	// Routing is nil when routing never wrote a record for the chat.
	Routing *ChatRouting
	// Offer is the chat's open offer, nil if none.
	Offer *Offer
	// LastMessage is the chat's message with the highest Seq, nil if none.
	LastMessage *Message
	// LastAgentName is the display name of LastMessage.AgentID ("" if
	// none or the user is gone).
	LastAgentName string
}
