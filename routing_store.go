package parley

import (
	"context"
	"time"
)

// Agent states beyond Offline, Ready and Not Ready (user.go). Busy is never
// stored: it is shown for a Ready agent whose capacity is full.
const (
	StateBusy = "busy"
	StateACW  = "acw" // After Chat Work (wrap-up), limited per service
)

// Reasons the system gives an agent's Not Ready state.
const (
	ReasonNoAnswer     = "no answer"    // an offer timed out
	ReasonDisconnected = "disconnected" // the desktop's connection was gone past the grace period
)

// Selection strategies of a service.
const (
	StrategyLongestIdle = "longest_idle"
	StrategyLeastBusy   = "least_busy"
	StrategyMostSkilled = "most_skilled"
)

// What happens to an absent agent's chats (Presence).
const (
	AbsentKeep    = "keep"    // they stay with the agent
	AbsentRequeue = "requeue" // back to their service's queue, place kept, after the grace period
	AbsentHandoff = "handoff" // back to the queue after HandoffAfter
)

// Routing event types, on the bus like the others.
const (
	EventOfferCreated  = "offer.created"
	EventOfferEnded    = "offer.ended" // accepted, rejected, timed out or withdrawn
	EventChatAbandoned = "chat.abandoned"
	EventChatTransfer  = "chat.transferred"
	EventConference    = "chat.conference"
)

// ServiceRouting is how a service routes: required skills, strategy,
// offers, wrap-up and the handling of absent agents and silent customers.
// A service that was never given settings routes like the foundation did
// (longest idle, auto-accept); the zero value offers chats without a time
// limit.
type ServiceRouting struct {
	Strategy     string         `json:"strategy,omitempty"`
	Skills       map[string]int `json:"skills,omitempty"` // skill → minimum level 0–100
	OfferTimeout time.Duration  `json:"offer_timeout,omitempty"`
	AutoAccept   bool           `json:"auto_accept,omitempty"`
	ACWLimit     time.Duration  `json:"acw_limit,omitempty"`
	AbsentRule   string         `json:"absent_rule,omitempty"`
	HandoffAfter time.Duration  `json:"handoff_after,omitempty"`
	DropoutAfter time.Duration  `json:"dropout_after,omitempty"` // customer silence that abandons a queued chat
}

// Validate reports the first invalid field.
func (r *ServiceRouting) Validate() error {
	switch r.Strategy {
	case "", StrategyLongestIdle, StrategyLeastBusy, StrategyMostSkilled:
	default:
		return Errorf(EINVALID, "strategy must be longest_idle, least_busy or most_skilled")
	}
	switch r.AbsentRule {
	case "", AbsentKeep, AbsentRequeue, AbsentHandoff:
	default:
		return Errorf(EINVALID, "absent_rule must be keep, requeue or handoff")
	}
	for k, v := range r.Skills {
		if v < 0 || v > 100 {
			return Errorf(EINVALID, "skill %q: level must be 0–100", k)
		}
	}
	if r.OfferTimeout < 0 || r.ACWLimit < 0 || r.HandoffAfter < 0 || r.DropoutAfter < 0 {
		return Errorf(EINVALID, "routing durations and limits must not be negative")
	}
	return nil
}

// AgentRouting is what routing keeps about an agent besides the user row.
type AgentRouting struct {
	UserID   string
	Skills   map[string]int // skill → level 0–100
	Reason   string         // why Not Ready
	LastSeen time.Time      // last sign of the desktop's live connection (any node)
	ACWUntil time.Time      // end of After Chat Work
	Load     int            // chats assigned now, conferences included
	Offers   int            // chats offered and not yet answered
}

// Offer is a chat offered to one agent, waiting for accept or reject.
type Offer struct {
	ChatID    string
	TenantID  string
	AgentID   string
	ServiceID string
	OfferedAt time.Time
	ExpiresAt time.Time
	Decision  string // JSON of the routing decision that made it
}

// OfferRequest is one offer of Store.OfferChats, with OfferChat's
// arguments.
type OfferRequest struct {
	Offer    *Offer
	Capacity int
	Accept   bool
}

// ChatRouting is the routing record of a chat.
type ChatRouting struct {
	ChatID       string
	Decision     string   // JSON of the last routing decision
	TargetAgent  string   // a transfer to an agent waits for them
	Note         string   // the last transfer note
	Declined     []string // agents who rejected or missed this chat
	Participants []string // conference agents besides the owner
	Abandoned    bool
}

// QueueStats are the numbers of one service's queue as the database sees
// them (any node).
type QueueStats struct {
	Length         int
	Position       int // 1-based place of the asked chat; 0 if not queued there
	AgentsLoggedIn int // members not Offline
	AgentsReady    int // members Ready and connected
	AvgWait        time.Duration
}

// RoutingStore keeps what the routing engine needs beyond chats and users.
// Conditional writes (OfferChat, AcceptOffer, AssignDirect) check at commit
// so that concurrent nodes can never offer a chat twice or exceed capacity.
type RoutingStore interface {
	SetServiceRouting(ctx context.Context, serviceID string, r ServiceRouting) error
	// ServiceRoutings returns the routing settings of the tenant's services
	// by service id; services without settings are absent.
	ServiceRoutings(ctx context.Context, tenantID string) (map[string]ServiceRouting, error)
	SetAgentSkills(ctx context.Context, userID string, skills map[string]int) error
	// SetAgentStatus records state, reason and the end of wrap-up at time at.
	SetAgentStatus(ctx context.Context, userID, state, reason string, acwUntil, at time.Time) error
	// TouchPresence records a sign of life of the agent's desktop.
	TouchPresence(ctx context.Context, userID string, at time.Time) error
	// AgentRoutings returns the routing record of every user of the tenant.
	AgentRoutings(ctx context.Context, tenantID string) (map[string]*AgentRouting, error)
	AgentRouting(ctx context.Context, userID string) (*AgentRouting, error)
	// OfferChat offers a queued chat to an agent if, at commit, the chat is
	// queued without an offer and the agent is Ready with load plus offers
	// below capacity. With accept the chat is assigned at once. ECONFLICT
	// otherwise.
	OfferChat(ctx context.Context, o *Offer, capacity int, accept bool) error
	// OfferChats makes several offers in one transaction, each on
	// OfferChat's conditions: errs[i] is offer i's refusal (ECONFLICT) or
	// nil. err is a failure of the whole transaction, which wrote nothing.
	OfferChats(ctx context.Context, offers []OfferRequest) (errs []error, err error)
	// AcceptOffer assigns the chat to the agent holding its offer.
	AcceptOffer(ctx context.Context, chatID, agentID string, at time.Time) error
	// EndOffer removes the agent's offer of the chat (reject, timeout,
	// withdrawal) and remembers the agent declined it; the chat stays
	// queued with its place.
	EndOffer(ctx context.Context, chatID, agentID string, declined bool) error
	Offers(ctx context.Context, tenantID string) ([]*Offer, error)
	ChatRouting(ctx context.Context, chatID string) (*ChatRouting, error)
	ChatRoutings(ctx context.Context, tenantID string) (map[string]*ChatRouting, error)
	// TransferChat re-queues an assigned chat in serviceID with its place,
	// aimed at targetAgent if set, with the note.
	TransferChat(ctx context.Context, chatID, serviceID, targetAgent, note string, at time.Time) error
	// RequeueChat puts an assigned chat back in its service's queue with
	// its place because its agent left (signed off, absent): like
	// TransferChat, but recorded as the agent leaving, not a transfer.
	RequeueChat(ctx context.Context, chatID, targetAgent string, at time.Time) error
	// DropTransferTarget gives up a transfer to agentID that has not been
	// offered yet (the agent went away): the chat stays queued in its
	// service with its place. ECONFLICT if the chat is not queued for that
	// agent without an offer.
	DropTransferTarget(ctx context.Context, chatID, agentID string) error
	// ClaimChatRun gives owner (a node) the chat for lease unless another
	// node holds it; it reports whether owner holds it. Work on one chat
	// is serialized across nodes with it.
	ClaimChatRun(ctx context.Context, chatID, owner string, lease time.Duration) (bool, error)
	// ReleaseChatRun ends owner's claim on the chat.
	ReleaseChatRun(ctx context.Context, chatID, owner string) error
	// ClaimChatRuns is ClaimChatRun for several chats at once; it returns
	// those owner holds.
	ClaimChatRuns(ctx context.Context, chatIDs []string, owner string, lease time.Duration) ([]string, error)
	// ReleaseChatRuns is ReleaseChatRun for several chats at once.
	ReleaseChatRuns(ctx context.Context, chatIDs []string, owner string) error
	// AddParticipant adds an agent to an assigned chat (a conference) if
	// she is Ready with room under capacity; ECONFLICT otherwise.
	AddParticipant(ctx context.Context, chatID, agentID string, capacity int, at time.Time) error
	// RemoveParticipant ends the agent's part; with nothing else held her
	// idle time starts at at.
	RemoveParticipant(ctx context.Context, chatID, agentID string, at time.Time) error
	// ChatParticipants returns the conference guests of each chat that
	// has any, by chat id.
	ChatParticipants(ctx context.Context, chatIDs []string) (map[string][]string, error)
	// ConferenceChats returns the open chats the agent takes part in.
	ConferenceChats(ctx context.Context, agentID string) ([]string, error)
	// AbandonChat closes a queued chat as abandoned; ECONFLICT if not queued.
	AbandonChat(ctx context.Context, chatID string, at time.Time) error
	SetChatPriority(ctx context.Context, chatID string, priority int) error
	QueueStats(ctx context.Context, tenantID, serviceID, chatID string, grace time.Duration, now time.Time) (QueueStats, error)
	// Leadership takes the routing leadership of key (one holder among all
	// nodes) if free. lost is closed when it is lost; release gives it up.
	Leadership(ctx context.Context, key string) (ok bool, lost <-chan struct{}, release func(), err error)
}
