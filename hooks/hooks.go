// Package hooks delivers outgoing webhooks: an admin subscribes a URL to
// some of the tenant's events, and every node runs a dispatcher that POSTs
// each event, signed (sign.go), at least once and in the order of the
// event log. A subscription is delivered by one node at a time (a lease in
// the store) from a cursor that advances only when the target answers 2xx,
// so a failing target holds its later events back and gets them in order
// once it recovers; attempts back off up to MaxBackoff.
package hooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Store is what hooks keeps in the database (met by sqlstore).
type Store interface {
	CreateHook(ctx context.Context, h *parley.HookSubscription) error
	UpdateHook(ctx context.Context, h *parley.HookSubscription) error
	DeleteHook(ctx context.Context, tenantID, id string) error
	Hook(ctx context.Context, tenantID, id string) (*parley.HookSubscription, error)
	Hooks(ctx context.Context, tenantID string) ([]*parley.HookSubscription, error)
	LeaseDueHooks(ctx context.Context, holder string, now, until time.Time, limit int) ([]*parley.HookSubscription, error)
	ReleaseHook(ctx context.Context, id, holder string) error
	AdvanceHook(ctx context.Context, holder string, h *parley.HookSubscription, d *parley.HookDelivery) (bool, error)
	HookDeliveries(ctx context.Context, tenantID, subscriptionID string, before int64, limit int) ([]*parley.HookDelivery, error)
	EventsAfter(ctx context.Context, tenantID string, after int64, limit int) ([]*parley.Event, error)
	LastEventID(ctx context.Context, tenantID string) (int64, error)
}

// Clock tells the time (a fake in tests).
type Clock interface{ Now() time.Time }

// Service manages subscriptions and runs the dispatcher.
type Service struct {
	Store  Store
	Clock  Clock
	Logger *slog.Logger
	Node   string // this node's name, the holder of its leases

	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// MaxBackoff caps the wait between attempts at one event (default 10 min).
	MaxBackoff time.Duration
	// Tick is how often the dispatcher looks for due subscriptions when
	// not woken (default 1 s).
	Tick time.Duration

	wake    chan struct{}
	clients [2]*http.Client // [0] public targets only, [1] private allowed
}

// New returns a Service; set its optional fields before Run.
func New(store Store, clock Clock, logger *slog.Logger, node string) *Service {
	return &Service{Store: store, Clock: clock, Logger: logger, Node: node, wake: make(chan struct{}, 1)}
}

func (s *Service) timeout() time.Duration    { return orDefault(s.Timeout, 10*time.Second) }
func (s *Service) maxBackoff() time.Duration { return orDefault(s.MaxBackoff, 10*time.Minute) }
func (s *Service) tick() time.Duration       { return orDefault(s.Tick, time.Second) }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Input is what an admin sends to create or edit a subscription.
type Input struct {
	Name         string   `json:"name"`
	URL          string   `json:"url"`
	Events       []string `json:"events"`
	AllowPrivate bool     `json:"allow_private"`
	Active       *bool    `json:"active,omitempty"` // default true
	Version      int      `json:"version,omitempty"`
}

// check validates in, naming the field at fault.
func (in *Input) check() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return parley.Errorf(parley.EINVALID, "name: give the webhook a name")
	}
	u, err := CheckURL(in.URL, in.AllowPrivate)
	if errors.Is(err, ErrPrivateTarget) {
		return parley.Errorf(parley.EINVALID, "url: %v; tick \"allow private targets\" to use it", err)
	}
	if err != nil {
		return parley.Errorf(parley.EINVALID, "url: %v", err)
	}
	in.URL = u
	if len(in.Events) == 0 {
		return parley.Errorf(parley.EINVALID, "events: subscribe to at least one event")
	}
	for _, e := range in.Events {
		if err := CheckEvent(e); err != nil {
			return parley.Errorf(parley.EINVALID, "events: %v", err)
		}
	}
	slices.Sort(in.Events)
	in.Events = slices.Compact(in.Events)
	return nil
}

// ErrPrivateTarget is CheckURL's error for a private, loopback or
// link-local target that the subscription does not allow.
var ErrPrivateTarget = errors.New("private target")

// CheckURL checks a subscription's target, for the API and for a
// configuration file's webhooks alike: an http(s) URL without
// credentials, public unless allowPrivate. It returns the URL normalised;
// a private target not allowed is an error that errors.Is ErrPrivateTarget.
func CheckURL(raw string, allowPrivate bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.User != nil {
		return "", errors.New("credentials in the URL are not allowed; verify the signature instead")
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !Public(ip) && !allowPrivate {
		return "", privateError(fmt.Sprintf("%s is a private, loopback or link-local address", ip))
	}
	if strings.EqualFold(u.Hostname(), "localhost") && !allowPrivate {
		return "", privateError("localhost is a loopback target")
	}
	return u.String(), nil
}

// privateError is ErrPrivateTarget with the address named.
type privateError string

func (e privateError) Error() string      { return string(e) }
func (privateError) Is(target error) bool { return target == ErrPrivateTarget }

// CheckEvent checks one event name of a subscription: a name of Names or "*".
func CheckEvent(name string) error {
	if name != "*" && !slices.Contains(Names, name) {
		return fmt.Errorf("unknown event %q (known: %s)", name, strings.Join(Names, ", "))
	}
	return nil
}

// Create subscribes a URL. The returned subscription carries its secret:
// the only time it is shown. It receives the events that happen from now.
func (s *Service) Create(ctx context.Context, tenantID string, in Input) (*parley.HookSubscription, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	last, err := s.Store.LastEventID(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	h := &parley.HookSubscription{TenantID: tenantID, Name: in.Name, URL: in.URL, Secret: secret, Events: in.Events,
		AllowPrivate: in.AllowPrivate, Active: in.Active == nil || *in.Active, Cursor: last}
	if err := s.Store.CreateHook(ctx, h); err != nil {
		return nil, err
	}
	s.Wake()
	return h, nil
}

// Update edits a subscription; in.Version must be the version read.
func (s *Service) Update(ctx context.Context, tenantID, id string, in Input) (*parley.HookSubscription, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	h, err := s.Store.Hook(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if in.Version == 0 {
		return nil, parley.Errorf(parley.EINVALID, "version: send the version you read, so that a concurrent edit is not overwritten")
	}
	h.Name, h.URL, h.Events, h.AllowPrivate, h.Version = in.Name, in.URL, in.Events, in.AllowPrivate, in.Version
	if in.Active != nil {
		h.Active = *in.Active
	}
	if err := s.Store.UpdateHook(ctx, h); err != nil {
		return nil, err
	}
	s.Wake()
	return h, nil
}

// Delete removes a subscription and its log.
func (s *Service) Delete(ctx context.Context, tenantID, id string) error {
	return s.Store.DeleteHook(ctx, tenantID, id)
}

// List returns the tenant's subscriptions.
func (s *Service) List(ctx context.Context, tenantID string) ([]*parley.HookSubscription, error) {
	return s.Store.Hooks(ctx, tenantID)
}

// Get returns one subscription.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*parley.HookSubscription, error) {
	return s.Store.Hook(ctx, tenantID, id)
}

// Deliveries returns a subscription's delivery log, newest first.
func (s *Service) Deliveries(ctx context.Context, tenantID, id string, before int64, limit int) ([]*parley.HookDelivery, error) {
	if _, err := s.Store.Hook(ctx, tenantID, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.Store.HookDeliveries(ctx, tenantID, id, before, limit)
}

// Wake makes the dispatcher look for work now (after events are appended
// or a subscription changes), instead of at its next tick.
func (s *Service) Wake() {
	if s.wake == nil {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func newSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return "whsec_" + hex.EncodeToString(b), nil
}
