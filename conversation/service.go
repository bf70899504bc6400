// Package conversation is the life of a chat: platform events are stored
// durably, then turned into customers, chats and messages; chats run their
// scenario, wait in queues, are routed to agents, and their outbound
// messages are delivered through an outbox. It holds the rules; the store,
// the bus and the channels are injected.
package conversation

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Config is what a Service is built from.
type Config struct {
	Store  parley.Store
	Bus    parley.Bus
	Clock  parley.Clock
	Logger *slog.Logger
	// Channels are the messaging platforms by account type.
	Channels *parley.Channels
	// HTTPClient is the client of the scenarios' HTTP Request blocks.
	HTTPClient *http.Client
	// Tenants lists the tenants whose queues this node routes.
	Tenants []string
	// PollInterval is how often the workers look for work they were not
	// woken for (retries that came due, work left by another node).
	PollInterval time.Duration
	// InboundParallel is how many customers' incoming events this node
	// handles at once (DefaultInboundParallel); each customer's events
	// are handled one after another, in order.
	InboundParallel int
	// PresenceGrace is how long an agent's desktop may be gone before they
	// get no new chats (DefaultPresenceGrace).
	PresenceGrace time.Duration
	// SendRate caps sends per second per account, every channel's. When
	// 0, an account is paced at its platform's documented rate
	// (parley.AccountPacer), else at DefaultSendRate.
	SendRate int
	// Facts, when set, records the facts of chats' lives that this
	// package observes (survey answers, grades) for the reports; unset,
	// the store records them if it can (FactRecorder).
	Facts FactRecorder
	// HealthInterval is how often every account's credentials and webhook
	// are checked (DefaultHealthInterval; negative: never).
	HealthInterval time.Duration
	// Knowledge is the knowledge base the self-service blocks search.
	Knowledge Knowledge
	// PublicURL is how customers' browsers reach this server (links in
	// messages: article pages, the webview ticket form), without a
	// trailing slash.
	PublicURL string
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = parley.SystemClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	if c.PollInterval == 0 {
		c.PollInterval = time.Second
	}
	if c.Channels == nil {
		c.Channels = parley.NewChannels()
	}
	if len(c.Tenants) == 0 {
		c.Tenants = []string{parley.DefaultTenant}
	}
	return c
}

// Service runs conversations for one or more tenants. It is made of
// units with their own narrow dependencies: Webhooks (deliveries into the
// inbound log), Outbox (delivery), Accounts (integration accounts and
// their health), and the chat's life itself (inbound processing,
// scenarios, routing, agent actions, views) in Service's own methods.
type Service struct {
	Config
	*Webhooks
	*Outbox
	*Accounts

	webhooks  *Webhooks
	outbox    *Outbox
	accounts  *Accounts
	status    *accountStatus
	engine    *scenario.Engine
	scenarios scenarioCache
	chatLocks keyedMutex
	nodeID    string    // this process, as the owner of chat run leases
	stalledAt time.Time // last look for stalled scenarios (timer loop only)
	alertsAt  time.Time // last threshold check (timer loop only)
	routing   routerState
	alerts    alertMemory   // wallboard levels last seen (thresholds.go)
	reports   []ReportTable // extra report tables (reports.go)
	owners    chatOwners    // each chat's customer, for visitors' streams
	names     userNames     // display names on messages (user_names.go)
	parties   cachedParties // accounts through the cache (account_cache.go)

	inboundWake chan struct{}
	routeWake   chan struct{}
}

// New builds a Service and its units from cfg.
func New(cfg Config) *Service {
	cfg = cfg.withDefaults()
	s := &Service{Config: cfg, nodeID: uuid.NewString(),
		inboundWake: make(chan struct{}, 1), routeWake: make(chan struct{}, 1)}
	cache := &accountCache{}
	s.parties = cachedParties{partiesStore: cfg.Store, cache: cache}
	s.outbox = &Outbox{store: cfg.Store, parties: s.parties, channels: cfg.Channels, clock: cfg.Clock, logger: cfg.Logger,
		limiter: newRateLimiter(cfg.SendRate, DefaultSendBurst), fixed: cfg.SendRate > 0, emit: s.emitMessageStatus,
		statusEvent: s.messageStatusEvent, announced: s.announced,
		wake: make(chan struct{}, 1), every: cfg.PollInterval}
	s.status = &accountStatus{store: cfg.Store, logger: cfg.Logger, released: s.outbox.Wake, cache: cache}
	s.outbox.status = s.status
	s.webhooks = &Webhooks{store: cfg.Store, channels: cfg.Channels, clock: cfg.Clock, logger: cfg.Logger,
		cache: cache, wake: func() { poke(s.inboundWake) }}
	s.accounts = &Accounts{store: cfg.Store, channels: cfg.Channels, clock: cfg.Clock, logger: cfg.Logger,
		cache: cache, status: s.status, every: cfg.HealthInterval}
	s.Webhooks, s.Outbox, s.Accounts = s.webhooks, s.outbox, s.accounts
	s.engine = &scenario.Engine{Runtime: runtime{s}, Save: s.saveScenario, Now: cfg.Clock.Now}
	s.scenarios.load = s.loadScenario
	return s
}

// channel returns the channel serving an account type.
func (s *Service) channel(typ string) (parley.Channel, error) { return s.Channels.Get(typ) }

// Run starts the workers and blocks until ctx ends. Work left unfinished by
// a previous process is resumed first.
func (s *Service) Run(ctx context.Context) error {
	if err := s.recover(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){s.processLoop, s.routeLoop, s.outbox.run, s.accounts.healthLoop, s.timerLoop} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			loop(ctx)
		}()
	}
	wg.Wait()
	return nil
}

// worker runs fn whenever wake fires or the poll interval passes.
func (s *Service) worker(ctx context.Context, wake <-chan struct{}, fn func(context.Context) error, name string) {
	runWorker(ctx, s.Logger, s.PollInterval, wake, fn, name)
}

// runWorker runs fn whenever wake fires or every passes.
func runWorker(ctx context.Context, logger *slog.Logger, every time.Duration, wake <-chan struct{}, fn func(context.Context) error, name string) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			level := slog.LevelError
			if errors.Is(err, parley.ErrUnavailable) {
				level = slog.LevelWarn // the next run tries again; nothing is lost
			}
			logger.Log(ctx, level, "worker failed", slog.String("worker", name), slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}

func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// recover fails outbound messages a stopped process may have sent and
// continues scenarios that stopped between two steps.
func (s *Service) recover(ctx context.Context) error {
	n, err := s.Store.FailInterrupted(ctx, s.Clock.Now().Add(-ClaimLease))
	if err != nil {
		return err
	}
	if n > 0 {
		s.Logger.Warn("outbound messages interrupted during delivery were marked failed", slog.Int("count", n))
	}
	tenants, err := s.allTenants(ctx)
	if err != nil {
		return err
	}
	for _, tenant := range tenants {
		chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: tenant, States: []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}})
		if err != nil {
			return err
		}
		for _, c := range chats {
			if c.Scenario.Block != "" && c.Scenario.Waiting == "" {
				if err := s.continueScenario(ctx, c.ID); err != nil {
					s.Logger.Error("resume scenario", slog.String("chat", c.ID), slog.Any("err", err))
				}
			}
		}
	}
	return nil
}

// keyedMutex serializes work on one chat within this process.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	e := k.ref(key)
	e.mu.Lock()
	return func() { k.unlock(key, e) }
}

// tryLock is lock without waiting: ok is false if key is held.
func (k *keyedMutex) tryLock(key string) (unlock func(), ok bool) {
	e := k.ref(key)
	if !e.mu.TryLock() {
		k.deref(key, e)
		return nil, false
	}
	return func() { k.unlock(key, e) }, true
}

func (k *keyedMutex) unlock(key string, e *keyedEntry) {
	e.mu.Unlock()
	k.deref(key, e)
}

// ref returns key's entry, counted as in use.
func (k *keyedMutex) ref(key string) *keyedEntry {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	return e
}

func (k *keyedMutex) deref(key string, e *keyedEntry) {
	k.mu.Lock()
	if e.refs--; e.refs == 0 {
		delete(k.locks, key)
	}
	k.mu.Unlock()
}

// chatRunLease bounds how long a node may hold a chat (see lockChat); a
// node that dies holding one delays that chat's next step by at most
// this. Every step bounds its own time well below it.
const chatRunLease = time.Minute

// lockChat serializes work on one chat: within this process with a mutex,
// across nodes with the chat's run lease in the database (PostgreSQL), so
// a routing commit on the leader and a scenario step on another node
// never interleave. The returned func releases both.
func (s *Service) lockChat(ctx context.Context, chatID string) (func(), error) {
	unlock := s.chatLocks.lock(chatID)
	wait := 2 * time.Millisecond
	for {
		ok, err := s.Store.ClaimChatRun(ctx, chatID, s.nodeID, chatRunLease)
		if err != nil {
			unlock()
			return nil, err
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			unlock()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 50*time.Millisecond)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.Store.ReleaseChatRun(ctx, chatID, s.nodeID); err != nil {
			// The lease runs out on its own.
			s.Logger.Warn("release chat", slog.String("chat", chatID), slog.Any("err", err))
		}
		unlock()
	}, nil
}
