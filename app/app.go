// Package app assembles a Parley server from its configuration: the store,
// the bus, the conversation service and the HTTP server. cmd/parley runs it;
// integration tests start it in-process.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/auth"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/netguard"
	"github.com/parleycc/parley/simulator"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/telemetry"
	"github.com/parleycc/parley/web"
)

// DefaultDatabase is the SQLite file used when no database is given.
const DefaultDatabase = "parley-data/parley.db"

// Config is what a server needs to start.
type Config struct {
	Addr       string // listen address; default 127.0.0.1:8080
	Database   string // SQLite path or postgres:// URL; default DefaultDatabase
	ConfigFile string // parley.yaml to apply at start, optional
	PublicURL  string // how browsers and platforms reach the server
	Demo       bool   // seed the demo tenant and mount the simulator
	// Bus is the event bus: "" or "inmem" (one node), or a nats:// URL.
	Bus    string
	Logger *slog.Logger
	// PollInterval overrides how often background workers poll (tests).
	PollInterval time.Duration
	// HookTick is how often outgoing webhooks look for new events
	// (default 1 s).
	HookTick time.Duration
	// HookMaxBackoff caps the wait between delivery attempts at one event
	// (default 10 min; tests shorten it).
	HookMaxBackoff time.Duration
	// PresenceGrace overrides how long an agent's desktop may be gone
	// before routing stops offering them chats (tests).
	PresenceGrace time.Duration
	// Store, when set, is used instead of opening Database; the App does
	// not close it (tests share one store across restarts).
	Store *sqlstore.Store
	// Channels are more messaging channels to register beside the
	// built-in ones (tests).
	Channels []parley.Channel
	// PasswordCost is the bcrypt cost of passwords from the configuration
	// file (0: bcrypt's default; tests lower it).
	PasswordCost int
	// AllowAPIBaseURL says which Graph API base URLs admins may set through
	// the API (web.Server.APIBaseURLs): "none" (only the stored one),
	// "loopback" or "any". Empty means "loopback" in demo mode, where the
	// simulator plays the Graph API, and "none" otherwise. The configuration
	// file may always set one.
	AllowAPIBaseURL string
	// AllowPrivateFetch lets the scenarios' HTTP Request blocks and the
	// copying of customers' media reach loopback, private and link-local
	// addresses (the server's own network), which they are refused
	// otherwise. The demo allows them: its simulator is on loopback.
	AllowPrivateFetch bool
	// Secrets says where the key that encrypts credentials at rest comes
	// from (see SecretKeys).
	Secrets SecretKeys
	// MetricsToken, when set, is the bearer token GET /metrics asks for;
	// without it /metrics answers private addresses only.
	MetricsToken string
	// SendTimeout bounds one request to a messaging platform (default
	// 20 s). A send that gets no answer within it may have been sent and
	// is never retried.
	SendTimeout time.Duration
	// Clock, when set, is the time of the store and the conversations
	// (tests that drive a day of traffic); default the system clock.
	Clock parley.Clock
	// InboundParallel is how many customers' incoming events this node
	// handles at once (default sqliteInboundParallel on SQLite,
	// conversation.DefaultInboundParallel on PostgreSQL;
	// PARLEY_INBOUND_PARALLEL for parley serve).
	InboundParallel int
	// Timeouts bound how long a client may take to send a request and how
	// long an idle connection stays open; zero fields take the defaults.
	Timeouts Timeouts
}

// Timeouts are the HTTP server's limits on slow and idle clients.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers (default 10 s).
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included (default 30 s).
	// Event streams clear it; uploads extend it (web.Server).
	Read time.Duration
	// Idle bounds how long a keep-alive connection waits for the next
	// request (default 2 min).
	Idle time.Duration
}

// withDefaults fills the zero fields of t with the default timeouts.
func (t Timeouts) withDefaults() Timeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = 10 * time.Second
	}
	if t.Read <= 0 {
		t.Read = 30 * time.Second
	}
	if t.Idle <= 0 {
		t.Idle = 2 * time.Minute
	}
	return t
}

// App is a running server.
type App struct {
	cfg      Config
	Store    *sqlstore.Store
	channels *parley.Channels
	// fetchClient is the HTTP Request blocks' client: inside addresses
	// refused unless allowed (netguard).
	fetchClient *http.Client
	Service     *conversation.Service
	Simulator   *simulator.Simulator

	listener net.Listener
	web      *web.Server
	http     *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	serving  serving // the connections and requests being served, for Close
	runErr   chan error
	closeBus func() error
	reloadMu sync.Mutex // one reload at a time
	// fileTenant is the tenant the configuration file configured when it
	// was last applied (guarded by reloadMu after Start).
	fileTenant string
}

// New returns an App; Start runs it.
func New(cfg Config) *App {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &App{cfg: cfg, runErr: make(chan error, 2)}
}

// Start opens and migrates the database, applies the configuration, starts
// listening and runs the workers in the background.
func (a *App) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			_ = a.Close()
		}
	}()
	if a.Store = a.cfg.Store; a.Store == nil {
		if a.Store, err = OpenStore(ctx, a.cfg.Database); err != nil {
			return err
		}
		if err := useKeys(ctx, a.Store, a.cfg.Secrets, a.cfg.Database, a.cfg.Logger); err != nil {
			return err
		}
	} else if a.cfg.Secrets != (SecretKeys{}) {
		if err := useKeys(ctx, a.Store, a.cfg.Secrets, a.cfg.Database, a.cfg.Logger); err != nil {
			return err
		}
	}
	if a.cfg.Clock != nil {
		a.Store.SetClock(a.cfg.Clock)
	}
	sendTimeout := a.cfg.SendTimeout
	if sendTimeout <= 0 {
		sendTimeout = 20 * time.Second
	}
	allowPrivate := func() bool { return a.cfg.AllowPrivateFetch || a.cfg.Demo }
	a.channels = Channels(&http.Client{Timeout: sendTimeout, Transport: netguard.Transport(allowPrivate)}, a.cfg.Channels...)
	a.fetchClient = netguard.Client(20*time.Second, allowPrivate)
	switch a.cfg.AllowAPIBaseURL {
	case "", web.BaseURLsNone, web.BaseURLsLoopback, web.BaseURLsAny:
	default:
		return fmt.Errorf("allow API base URL: %q is not none, loopback or any", a.cfg.AllowAPIBaseURL)
	}
	if a.listener, err = net.Listen("tcp", a.cfg.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	tenants, err := a.applyConfig(ctx)
	if err != nil {
		return err
	}
	bus, closeBus, err := a.openBus()
	if err != nil {
		return err
	}
	a.closeBus = closeBus
	a.Service = conversation.New(conversation.Config{Store: a.Store, Bus: bus, Logger: a.cfg.Logger, Tenants: tenants, PollInterval: a.cfg.PollInterval,
		PresenceGrace: a.cfg.PresenceGrace, Channels: a.channels, HTTPClient: a.fetchClient, Clock: a.cfg.Clock,
		Facts: a.factRecorder(), PublicURL: a.publicURL(), InboundParallel: a.inboundParallel()})
	kbs, err := a.knowledgeBase(ctx, tenants)
	if err != nil {
		return err
	}
	a.Service.Knowledge = kbKnowledge{kbs}
	srv := &web.Server{Bus: bus, Conversations: a.Service, Auth: auth.New(a.Store, nil), Logger: a.cfg.Logger,
		SecureCookies: strings.HasPrefix(a.cfg.PublicURL, "https://"), Reloader: a, APIBaseURLs: a.baseURLPolicy(),
		PublicURL: strings.TrimRight(a.cfg.PublicURL, "/"), KB: kbs, Hooks: a.hooks(), Keys: auth.NewKeys(a.Store, nil),
		Audit: audit.New(a.Store),

		MetricsToken: a.cfg.MetricsToken,
		Metrics:      telemetry.Handler(func(ctx context.Context) (telemetry.Backlog, error) { return a.Store.Backlog(ctx, time.Now()) }, a.Store.DB())}
	if a.cfg.Demo {
		if err := a.seedDemoHook(ctx, srv.Hooks, tenants[len(tenants)-1]); err != nil {
			return err
		}
	}
	if a.Simulator != nil {
		srv.Simulator = a.Simulator
	}
	handler, err := srv.Handler()
	if err != nil {
		return err
	}
	a.web = srv
	t := a.cfg.Timeouts.withDefaults()
	a.http = &http.Server{Handler: a.serving.wrap(handler), ConnState: a.serving.connState, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, IdleTimeout: t.Idle,
		ErrorLog: slog.NewLogLogger(a.cfg.Logger.Handler(), slog.LevelWarn)}
	a.http.RegisterOnShutdown(a.serving.shutdown)
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.wg.Add(3)
	go func() {
		defer a.wg.Done()
		srv.Hooks.Run(runCtx)
	}()
	go func() {
		defer a.wg.Done()
		if err := a.http.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.runErr <- err
		}
	}()
	go func() {
		defer a.wg.Done()
		if err := a.Service.Run(runCtx); err != nil {
			a.runErr <- err
		}
	}()
	a.cfg.Logger.Info("parley started", slog.String("url", a.URL()), slog.String("database", a.Store.Dialect()))
	return nil
}

// baseURLPolicy is Config.AllowAPIBaseURL with its default: loopback in
// demo mode (the simulator plays the Graph API), none otherwise.
func (a *App) baseURLPolicy() string {
	switch {
	case a.cfg.AllowAPIBaseURL != "":
		return a.cfg.AllowAPIBaseURL
	case a.cfg.Demo:
		return web.BaseURLsLoopback
	}
	return web.BaseURLsNone
}

// Err returns a channel that receives a fatal background error.
func (a *App) Err() <-chan error { return a.runErr }

// URL is the address the server listens on, as http://host:port.
// publicURL is Config.PublicURL, or this server's own address when unset
// (links to article pages and forms must be absolute).
func (a *App) publicURL() string {
	if u := strings.TrimRight(a.cfg.PublicURL, "/"); u != "" {
		return u
	}
	return a.URL()
}

func (a *App) URL() string {
	if a.listener == nil {
		return ""
	}
	return "http://" + a.listener.Addr().String()
}

// applyConfig applies the demo seed and/or the config file and returns the
// tenants to serve.
func (a *App) applyConfig(ctx context.Context) ([]string, error) {
	tenants := []string{parley.DefaultTenant}
	if a.cfg.Demo {
		if a.cfg.ConfigFile == "" {
			a.cfg.ConfigFile = DemoConfig
		}
		if err := writeDemoConfig(a.cfg.ConfigFile); err != nil {
			return nil, err
		}
		a.Simulator = newDemoSimulator(a)
	}
	if a.cfg.ConfigFile != "" {
		f, err := a.applyFile(ctx, "")
		if err != nil {
			return nil, err
		}
		if f.TenantID() != parley.DefaultTenant {
			tenants = append(tenants, f.TenantID())
		}
	}
	if err := a.Store.EnsureTenant(ctx, &parley.Tenant{ID: parley.DefaultTenant, Name: parley.DefaultTenant}); err != nil {
		return nil, err
	}
	if a.cfg.Demo {
		now := time.Now()
		if a.cfg.Clock != nil {
			now = a.cfg.Clock.Now()
		}
		if err := seedDemoHistory(ctx, a.Store, a.cfg.Logger, now); err != nil {
			return nil, err
		}
	}
	return tenants, nil
}

// Close stops the server: no new requests, workers stopped, store closed.
func (a *App) Close() error {
	var errs []error
	if a.web != nil {
		a.web.Close() // event streams end now, so Shutdown need not wait for them
	}
	if a.Simulator != nil {
		a.Simulator.Close() // and the simulated customers' streams
	}
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.http.Shutdown(ctx); err != nil {
			a.serving.logRunning(a.cfg.Logger)
			errs = append(errs, fmt.Errorf("shut down the HTTP server: %w", err))
		}
	} else if a.listener != nil {
		errs = append(errs, a.listener.Close())
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if a.closeBus != nil {
		errs = append(errs, a.closeBus())
	}
	if a.Store != nil && a.cfg.Store == nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}

// OpenStore opens and migrates the database named by dsn.
func OpenStore(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	if !isPostgres(dsn) {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// factRecorder is where conversation records the facts it observes
// (survey answers, grades): the store itself when it records facts with
// each service's thresholds, else a fact log with the default ones.
func (a *App) factRecorder() conversation.FactRecorder {
	if _, ok := any(a.Store).(conversation.FactRecorder); ok {
		return nil // conversation uses the store
	}
	return a.Store.FactLog(metrics.DefaultConfig())
}

// sqliteInboundParallel is the default InboundParallel on SQLite. Its
// writes are committed in batches of whatever transactions wait for the
// writer (sqlstore/txbatch.go), so more customers handled at once make
// fuller batches: at 1,000 messages a second, 16 at once left a growing
// backlog that 64 did not (docs/BENCHMARKS.md). The price is a longer
// tail for agents' replies, whose writes queue behind more events (p99
// about 400 ms against 75 with 16 at 10,000 chats). On PostgreSQL each
// handler takes a connection of the pool, and 16 stays the default.
const sqliteInboundParallel = 64

func (a *App) inboundParallel() int {
	if a.cfg.InboundParallel == 0 && a.Store.Dialect() == "sqlite" {
		return sqliteInboundParallel
	}
	return a.cfg.InboundParallel
}
