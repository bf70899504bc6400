package parley

import (
	"context"
	"time"
)

// Store is Parley's durable state. Implementations (package sqlstore, on
// SQLite and PostgreSQL) behave identically; the contract tests prove it.
// Lookups of missing rows return an *Error with code ENOTFOUND.
type Store interface {
	TenantStore
	AccountStore
	ServiceStore
	UserStore
	TeamStore
	CustomerStore
	ChatStore
	MessageStore
	InboundStore
	EventStore
	RoutingStore
	MessengerStore
	ScenarioStore
	LoginLimitStore
	DeskStore
	QualityStore
	MetricStore
	TicketStore
	HookStore // hook.go
	// Atomically runs fn with a Store whose reads and writes are one
	// transaction: committed when fn returns nil, rolled back otherwise.
	// lock ("" for none) names what the transaction edits: two
	// transactions with the same lock run one after the other. fn may
	// run more than once.
	Atomically(ctx context.Context, lock string, fn func(Store) error) error
	// Ping reports whether the database is reachable and fully migrated.
	Ping(ctx context.Context) error
	Close() error
}

// TenantStore keeps tenants.
type TenantStore interface {
	// EnsureTenant creates the tenant if it does not exist.
	EnsureTenant(ctx context.Context, t *Tenant) error
	// Tenant returns the tenant; ENOTFOUND if there is none.
	Tenant(ctx context.Context, id string) (*Tenant, error)
	// Tenants lists every tenant, oldest first.
	Tenants(ctx context.Context) ([]*Tenant, error)
	// SetNotReadyReasons replaces the tenant's Not Ready reasons (nil: the
	// built-in defaults).
	SetNotReadyReasons(ctx context.Context, tenantID string, reasons []string) error
}

// AccountStore keeps integration accounts.
type AccountStore interface {
	// UpsertAccount creates or updates the account with a.TenantID and
	// a.Name; it sets a.ID. ECONFLICT if another account of the same type
	// already has the page id.
	UpsertAccount(ctx context.Context, a *Account) error
	Account(ctx context.Context, id string) (*Account, error)
	// AccountsByType lists the accounts of one channel type in all tenants
	// (a shared webhook URL serves every tenant).
	AccountsByType(ctx context.Context, channelType string) ([]*Account, error)
	Accounts(ctx context.Context, tenantID string) ([]*Account, error)
	SetAccountStatus(ctx context.Context, id string, active bool, reason string) error
	DeleteAccount(ctx context.Context, id string) error
	// UpsertEntry creates or updates the scenario entry with e.TenantID and
	// e.Name; it sets e.ID. ECONFLICT if the account is attached to another entry.
	UpsertEntry(ctx context.Context, e *ScenarioEntry) error
	EntryByAccount(ctx context.Context, accountID string) (*ScenarioEntry, error)
	Entries(ctx context.Context, tenantID string) ([]*ScenarioEntry, error)
	DeleteEntry(ctx context.Context, id string) error
	// PublishScenario stores a new version if the definition differs from
	// the latest one; it sets v.Version either way.
	PublishScenario(ctx context.Context, v *ScenarioVersion) error
	LatestScenario(ctx context.Context, tenantID, name string) (*ScenarioVersion, error)
	ScenarioAt(ctx context.Context, tenantID, name string, version int) (*ScenarioVersion, error)
}

// ServiceStore keeps services.
type ServiceStore interface {
	UpsertService(ctx context.Context, s *Service) error // by TenantID+Name; sets ID
	Service(ctx context.Context, id string) (*Service, error)
	ServiceByName(ctx context.Context, tenantID, name string) (*Service, error)
	Services(ctx context.Context, tenantID string) ([]*Service, error)
	DeleteService(ctx context.Context, id string) error
}

// UserStore keeps users, their presence and their sessions.
type UserStore interface {
	// UpsertUser creates or updates by TenantID+Username and sets u.ID. An
	// empty PasswordHash keeps the stored one. State is not changed.
	UpsertUser(ctx context.Context, u *User) error
	User(ctx context.Context, id string) (*User, error)
	// UserDisplayName is the user's display name ("" when unset), read
	// alone: the name on every agent message and its event.
	UserDisplayName(ctx context.Context, id string) (string, error)
	UserByUsername(ctx context.Context, tenantID, username string) (*User, error)
	Users(ctx context.Context, tenantID string) ([]*User, error)
	DeleteUser(ctx context.Context, id string) error
	CreateSession(ctx context.Context, s *Session) error
	// Session returns an unexpired session; ENOTFOUND otherwise.
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// UserSessions lists the user's sessions that expire after now,
	// newest first.
	UserSessions(ctx context.Context, userID string, now time.Time) ([]*Session, error)
	// DeleteUserSession ends one of the user's sessions; ENOTFOUND if the
	// user has no such session.
	DeleteUserSession(ctx context.Context, userID, tokenHash string) error
	// DeleteUserSessions ends every session of the user.
	DeleteUserSessions(ctx context.Context, userID string) error
	// SetUserDeactivated deactivates the user at at, ending their
	// sessions, or reactivates them with a zero at.
	SetUserDeactivated(ctx context.Context, userID string, at time.Time) error
}

// CustomerStore keeps customers.
type CustomerStore interface {
	// EnsureCustomer returns the customer of (AccountID, ExternalID),
	// creating it from c when new. created tells which happened.
	EnsureCustomer(ctx context.Context, c *Customer) (cust *Customer, created bool, err error)
	Customer(ctx context.Context, id string) (*Customer, error)
	// CustomersByID returns the customers of ids that exist, by id.
	CustomersByID(ctx context.Context, ids []string) (map[string]*Customer, error)
	UpdateCustomerProfile(ctx context.Context, id, first, last, pic string, at time.Time) error
	// SearchCustomers returns up to limit customers of the account whose
	// name contains query (any case; empty: all), most recently heard
	// from first, each with whether they have a chat that is not closed.
	SearchCustomers(ctx context.Context, accountID, query string, limit int) ([]*CustomerMatch, error)
	// SetReplyToken keeps the customer's newest reply token (LINE) until
	// before; TakeReplyToken hands it out once while valid ("" if none).
	SetReplyToken(ctx context.Context, customerID, token string, before time.Time) error
	TakeReplyToken(ctx context.Context, customerID string, now time.Time) (string, error)
}

// ChatStore keeps chats and the queue.
type ChatStore interface {
	CreateChat(ctx context.Context, c *Chat) error // sets ID, CreatedAt
	Chat(ctx context.Context, id string) (*Chat, error)
	// ChatsByID returns the chats of ids that exist, by id.
	ChatsByID(ctx context.Context, ids []string) (map[string]*Chat, error)
	// OpenChat returns the customer's chat that is not closed; ENOTFOUND if none.
	OpenChat(ctx context.Context, customerID string) (*Chat, error)
	Chats(ctx context.Context, f ChatFilter) ([]*Chat, error)
	// SaveScenario persists the chat's scenario position.
	SaveScenario(ctx context.Context, chatID string, p ScenarioPosition) error
	// SaveStep commits what one scenario step leaves behind in one
	// transaction: its outgoing messages (appended in order, each with the
	// event Announce makes for it) and the chat's position. Either all of
	// it is stored or none, so a crash never re-sends a prompt and never
	// loses a wait. It sets the messages' and events' ids; each event
	// has its guests' copies (Event.Copies).
	SaveStep(ctx context.Context, step *ScenarioStep) error
	// EnqueueChat puts a chat in serviceID's queue. A chat that was queued
	// before keeps its QueuedAt (its place in line).
	EnqueueChat(ctx context.Context, chatID, serviceID string, priority int, at time.Time) error
	// ReleaseChat returns an assigned chat to the bot state (its agent part
	// ended) and, if the agent has no chats left, sets their IdleSince.
	ReleaseChat(ctx context.Context, chatID string, at time.Time) error
	CloseChat(ctx context.Context, chatID string, at time.Time) error
	// Queue returns the queued chats of a tenant, highest priority first,
	// then oldest QueuedAt first.
	Queue(ctx context.Context, tenantID string) ([]*Chat, error)
}

// MessageStore keeps transcripts and the outbox.
type MessageStore interface {
	// AddMessage appends m to its chat, assigning ID, Seq and CreatedAt.
	// ECONFLICT if m.ExternalID is set and already stored for the chat's
	// account (a redelivered platform message).
	AddMessage(ctx context.Context, m *Message) error
	// AddMessageAnnounced is AddMessage with the event announce makes of
	// the stored message (its ID and Seq set) appended in the same
	// transaction: a message is never stored without the event that shows
	// it. It returns the event with its ID set, and the copies stored
	// with it for the chat's conference guests (Event.Copies).
	AddMessageAnnounced(ctx context.Context, m *Message, announce func(*Message) *Event) (*Event, error)
	// AddCustomerMessage is AddMessageAnnounced for a message the customer
	// wrote: the same transaction moves the customer's LastMessageAt to
	// m.PlatformTime, never back (events processed out of order are
	// harmless).
	AddCustomerMessage(ctx context.Context, m *Message, announce func(*Message) *Event) (*Event, error)
	Message(ctx context.Context, id string) (*Message, error)
	// Messages returns the chat's messages with Seq > afterSeq in order.
	// MessageByClientKey returns the chat's message stored with that
	// ClientKey; ENOTFOUND if none.
	MessageByClientKey(ctx context.Context, chatID, key string) (*Message, error)
	// MessageByExternalID returns the message the account's platform
	// knows by that id; ENOTFOUND if none.
	MessageByExternalID(ctx context.Context, accountID, externalID string) (*Message, error)
	// UnhandledMessage returns the message the account's platform knows
	// by externalID when it was stored but not yet shown and given to the
	// scenario (the work was cut short); ENOTFOUND if none or handled.
	UnhandledMessage(ctx context.Context, accountID, externalID string) (*Message, error)
	// MarkMessageHandled records that a message from the platform was
	// shown and given to the scenario.
	MarkMessageHandled(ctx context.Context, id string) error
	// SetMessagePayload replaces a message's payload (an attachment copied
	// after the message was stored); ENOTFOUND if there is no such message.
	SetMessagePayload(ctx context.Context, id, payload string) error
	Messages(ctx context.Context, chatID string, afterSeq int64) ([]*Message, error)
	// MessagesPage is Messages bounded to limit messages (a page).
	MessagesPage(ctx context.Context, chatID string, afterSeq int64, limit int) ([]*Message, error)
	// LastMessage returns the chat's newest message; ENOTFOUND if it has none.
	LastMessage(ctx context.Context, chatID string) (*Message, error)
	// LastMessageFrom returns the chat's newest message from sender (e.g.
	// SenderCustomer) that is not of kind skipKind ("" skips none);
	// ENOTFOUND if there is none.
	LastMessageFrom(ctx context.Context, chatID, sender, skipKind string) (*Message, error)
	// LastMessages returns each chat's newest message by chat id, and
	// LastMessagesFrom each one's LastMessageFrom; chats without one are
	// absent.
	LastMessages(ctx context.Context, chatIDs []string) (map[string]*Message, error)
	LastMessagesFrom(ctx context.Context, chatIDs []string, sender, skipKind string) (map[string]*Message, error)
	// ClaimOutbound marks up to limit due pending outbound messages as
	// sending and returns them, never more than one per chat and never one
	// that has an earlier unsent message in its chat.
	ClaimOutbound(ctx context.Context, now time.Time, limit int) ([]*Message, error)
	// StartSend records that the send of a claimed message begins (its
	// request may reach the platform from now on). attempt is the
	// message's Attempts as claimed; ECONFLICT if that claim was lost.
	StartSend(ctx context.Context, id string, attempt int, at time.Time) error
	// RecordSent stores a send the platform accepted in one transaction:
	// the attempt, the message sent at a.At with externalID ("" for
	// none), and the event announce makes of the message as stored.
	// ECONFLICT if externalID is already another message's.
	RecordSent(ctx context.Context, a *OutboundAttempt, externalID string, announce func(*Message) *Event) (*Event, error)
	// MarkRetry returns a sending message to pending with a later due time.
	MarkRetry(ctx context.Context, id string, next time.Time, errText string) error
	MarkFailed(ctx context.Context, id, errText string) error
	// FailInterrupted ends claims left by a stopped process: a message
	// whose send had begun may have gone out, so it is failed and never
	// sent again; one whose send had not begun is pending again. Only
	// claims made before claimedBefore count: a younger one may belong to
	// a live node sending it right now. It returns how many it failed.
	FailInterrupted(ctx context.Context, claimedBefore time.Time) (int, error)
	AddAttempt(ctx context.Context, a *OutboundAttempt) error
	Attempts(ctx context.Context, messageID string) ([]*OutboundAttempt, error)
}

// InboundStore keeps the log of received platform events.
type InboundStore interface {
	// AddInbound stores events in one transaction, skipping any whose
	// (AccountID, DedupKey) is already stored, and returns how many were new.
	AddInbound(ctx context.Context, events []*InboundEvent) (int, error)
	// PendingInbound returns up to limit unprocessed events with ids
	// above after, oldest first.
	PendingInbound(ctx context.Context, after int64, limit int) ([]*InboundEvent, error)
	// MarkInboundProcessed records that the event was handled at time at,
	// with errText if handling failed, and marks the messages handled
	// (MarkMessageHandled) in the same transaction.
	MarkInboundProcessed(ctx context.Context, id int64, at time.Time, errText string, handled ...string) error
}

// EventStore keeps the ordered log of UI events.
type EventStore interface {
	AppendEvent(ctx context.Context, e *Event) error // sets ID, CreatedAt
	// AppendChatEvent is AppendEvent that also stores, in the same
	// statement, a copy of e for each conference guest of its chat but
	// e.AgentID when e is repeated for guests (Event.ForGuests), and sets
	// them in e.Copies.
	AppendChatEvent(ctx context.Context, e *Event) error
	// AppendEvents appends es in order in one transaction, as AppendEvent
	// does each.
	AppendEvents(ctx context.Context, es []*Event) error
	// EventsAfter returns up to limit events of the tenant with ID > after.
	EventsAfter(ctx context.Context, tenantID string, after int64, limit int) ([]*Event, error)
	// LastEventID returns the newest event id of the tenant (0 if none).
	LastEventID(ctx context.Context, tenantID string) (int64, error)
}
