package parley

import (
	"context"
	"time"
)

// Outgoing webhooks: an admin subscribes a URL to some of the tenant's
// events; Parley POSTs each one, signed, at least once and in the order of
// the event log (so in order per chat). Package hooks delivers them.

// Hook event names: what integrators subscribe to. They are the public
// names of event-log types (hooks.PublicType maps them).
const (
	HookChatCreated         = "chat.created"
	HookMessageCreated      = "message.created"
	HookMessageUpdated      = "message.updated" // its delivery status changed
	HookChatAssigned        = "chat.assigned"
	HookChatTransferred     = "chat.transferred"
	HookChatClosed          = "chat.closed"
	HookChatAbandoned       = "chat.abandoned"
	HookDispositionSet      = "chat.disposition_set"
	HookSurveyAnswered      = "survey.answered"
	HookTicketChanged       = "ticket.changed"
	HookAccountHealthChange = "account.health_changed"
	HookThresholdCrossed    = "service.threshold_crossed" // a wallboard figure changed level (EventThresholdCrossed)
)

// HookSubscription is one outgoing webhook target of a tenant.
type HookSubscription struct {
	ID           string
	TenantID     string
	Name         string
	URL          string
	Secret       string   // HMAC-SHA256 key; shown to the admin once, at creation
	Events       []string // Hook* names
	AllowPrivate bool     // the admin allows a private, loopback or link-local target
	Active       bool

	// Delivery state, kept by the dispatcher.
	Cursor        int64     // the last event id handled (delivered or not subscribed)
	Failures      int       // consecutive failed attempts at the event after Cursor
	NextAttemptAt time.Time // zero: now
	LastError     string
	LastSuccessAt time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int // optimistic concurrency: an update names the version it read
}

// Wants reports whether the subscription takes events named name.
func (h *HookSubscription) Wants(name string) bool {
	for _, e := range h.Events {
		if e == name || e == "*" {
			return true
		}
	}
	return false
}

// HookStore keeps the subscriptions a configuration file declares (package
// hooks has the rest: leases, delivery log).
type HookStore interface {
	// CreateHook stores a new subscription from h.Cursor on and sets its
	// ID, times and Version; ECONFLICT if the tenant has the name already.
	CreateHook(ctx context.Context, h *HookSubscription) error
	// UpdateHook saves name, URL, events, private targets, active and, if
	// not empty, the secret, when h.Version is the stored version; the
	// delivery state (cursor, failures) is the dispatcher's and kept.
	UpdateHook(ctx context.Context, h *HookSubscription) error
	// Hooks lists the tenant's subscriptions by name.
	Hooks(ctx context.Context, tenantID string) ([]*HookSubscription, error)
}

// HookDelivery is one attempt to deliver one event to a subscription: the
// Admin page's delivery log.
type HookDelivery struct {
	ID             int64
	TenantID       string
	SubscriptionID string
	EventID        int64
	EventType      string // the public name
	ChatID         string
	Attempt        int // 1 for the first try of this event
	StatusCode     int // 0 when no answer came
	Error          string
	Duration       time.Duration
	CreatedAt      time.Time
}

// Delivered reports whether the target accepted the event (any 2xx).
func (d *HookDelivery) Delivered() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }
