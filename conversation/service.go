// Package conversation is the life of a chat: platform events are stored
// durably, then turned into customers, chats and messages; chats run their
// scenario, wait in queues, are routed to agents, and their outbound
// messages are delivered through an outbox. It holds the rules; the store,
// the bus and the channels are injected.
package conversation

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Service runs conversations for one or more tenants.
type Service struct {
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
	// PresenceGrace is how long an agent's desktop may be gone before they
	// get no new chats (DefaultPresenceGrace).
	PresenceGrace time.Duration
	// SendRate caps Send API calls per second per page (DefaultSendRate).
	SendRate int
	// HealthInterval is how often every page's token and webhook
	// subscription are checked (DefaultHealthInterval; negative: never).
	HealthInterval time.Duration

	engine    *scenario.Engine
	scenarios scenarioCache
	chatLocks keyedMutex
	nodeID    string    // this process, as the owner of chat run leases
	stalledAt time.Time // last look for stalled scenarios (timer loop only)
	routing   routerState
	limiter   *rateLimiter
	commits   groupCommit
	accounts  accountCache

	inboundWake chan struct{}
	routeWake   chan struct{}
	outboxWake  chan struct{}
	initOnce    sync.Once
}

func (s *Service) init() {
	s.initOnce.Do(func() {
		if s.Clock == nil {
			s.Clock = parley.SystemClock{}
		}
		if s.Logger == nil {
			s.Logger = slog.Default()
		}
		if s.HTTPClient == nil {
			s.HTTPClient = &http.Client{Timeout: 20 * time.Second}
		}
		if s.PollInterval == 0 {
			s.PollInterval = time.Second
		}
		if s.Channels == nil {
			s.Channels = parley.NewChannels()
		}
		if len(s.Tenants) == 0 {
			s.Tenants = []string{parley.DefaultTenant}
		}
		s.limiter = newRateLimiter(s.SendRate, DefaultSendBurst)
		s.nodeID = uuid.NewString()
		s.inboundWake = make(chan struct{}, 1)
		s.routeWake = make(chan struct{}, 1)
		s.outboxWake = make(chan struct{}, 1)
		s.engine = &scenario.Engine{Runtime: runtime{s}, Save: s.saveScenario, Now: s.Clock.Now}
		s.scenarios.load = s.loadScenario
	})
}

// Run starts the workers and blocks until ctx ends. Work left unfinished by
// a previous process is resumed first.
func (s *Service) Run(ctx context.Context) error {
	s.init()
	if err := s.recover(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){s.processLoop, s.routeLoop, s.outboxLoop, s.healthLoop, s.timerLoop} {
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
	t := time.NewTicker(s.PollInterval)
	defer t.Stop()
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Error("worker failed", slog.String("worker", name), slog.Any("err", err))
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
	for _, tenant := range s.Tenants {
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
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
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
