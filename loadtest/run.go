package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// loginConcurrency bounds simultaneous logins: each costs the server a
// bcrypt comparison, and a crowd of them only queues.
const loginConcurrency = 8

// settlePoll is how often the drain looks at the ledger.
const settlePoll = 20 * time.Millisecond

// Options describe a run.
type Options struct {
	URL    string // the server, e.g. http://127.0.0.1:8080
	Tenant Tenant // as the server was configured (parley bench config)
	Graph  *Graph // the fake Graph API the server's page points at
	// Customers first open their chats (one message each, at Rate) and
	// wait for agents; then those connected write Rate messages per
	// second in total, for Duration or until Messages more were written
	// (0: no limit; one of them is set).
	Customers int
	Rate      float64
	Duration  time.Duration
	Messages  int
	// Drain is how long to wait, after the last message, for everything
	// in flight to reach agents and the Graph API (default 30 s).
	Drain time.Duration
	// SkipTranscripts leaves out reading every chat's messages back.
	SkipTranscripts bool
	// KeepChats leaves the run's chats open (else the agents close them
	// so the next run finds them free).
	KeepChats bool
	PID       int // the server's process id, to report its memory and CPU; 0: none
	Logger    *slog.Logger
}

func (o *Options) check() error {
	switch {
	case o.URL == "":
		return errors.New("the server's URL is required")
	case o.Graph == nil:
		return errors.New("the fake Graph API is required")
	case o.Customers < 1:
		return errors.New("at least one customer is needed")
	case o.Rate <= 0:
		return errors.New("the rate must be above 0 messages/s")
	case o.Duration <= 0 && o.Messages <= 0:
		return errors.New("give a duration or a number of messages")
	}
	if o.Drain <= 0 {
		o.Drain = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.URL = strings.TrimRight(o.URL, "/")
	return o.Tenant.Validate()
}

// Run puts the load on the server and reports what it measured. An error
// means the run could not be made (agents cannot log in, the server is
// gone); a failed exactly-once check is in the report (Report.Check.OK).
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	run, ledger := newRunID(), NewLedger()
	log := o.Logger.With(slog.String("run", run))
	o.Graph.record(run, ledger)
	defer o.Graph.record("", nil)
	transport := &http.Transport{MaxIdleConns: 0, MaxIdleConnsPerHost: o.Customers + o.Tenant.Agents*agentWorkers + 16,
		IdleConnTimeout: 90 * time.Second}
	defer transport.CloseIdleConnections()

	cs := newCustomers(run, o.URL+"/webhooks/facebook", o.Tenant, o.Customers,
		&http.Client{Transport: transport, Timeout: 15 * time.Second}, ledger, log)
	for i := range o.Customers {
		o.Graph.addCustomer(psid(run, i), "Bench", fmt.Sprintf("Customer %d", i))
	}

	agentCtx, stopAgents := context.WithCancel(ctx)
	agents, wg, err := startAgents(agentCtx, o, run, ledger, transport, cs.markConnected, log)
	defer func() { stopAgents(); wg.Wait() }()
	if err != nil {
		return nil, err
	}
	log.Info("agents ready", slog.Int("agents", len(agents)))

	opening, connected := openChats(ctx, o, cs, log)
	opened := cs.acked.Load()
	var notes []string
	if connected < o.Customers {
		notes = append(notes, fmt.Sprintf("%d of %d chats were not connected to an agent within %v: give the agents more capacity (bench config -capacity)",
			o.Customers-connected, o.Customers, o.Drain))
	}

	var cpuStart time.Duration
	var cpuErr error
	talking := time.Now()
	if o.PID > 0 {
		cpuStart, cpuErr = readCPUTime(o.PID)
	}
	sending := talk(ctx, o, cs)
	log.Info("sent", slog.Int64("messages", cs.messages.Load()), slog.Duration("in", sending))
	settled := drain(ctx, o.Drain, ledger, agents, log)
	var cpu *CPU
	if o.PID > 0 && cpuErr == nil {
		cpu, cpuErr = cpuSince(o.PID, cpuStart, talking, cs.acked.Load()-opened)
	}
	stopAgents()
	wg.Wait()

	// The agents' streams are closed; their sessions still work. What
	// follows runs even when ctx was cancelled (Ctrl-C): the report of
	// what was sent is still worth having.
	interrupted := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	switch {
	case interrupted:
		notes = append(notes, "interrupted: the check counts what was in flight as lost; the transcripts were not read")
	case !settled:
		m, r := ledger.pending()
		notes = append(notes, fmt.Sprintf("gave up waiting after %v: %d messages not shown to an agent, %d replies not at the Graph API", o.Drain, m, r))
	}
	if !o.SkipTranscripts && !interrupted {
		if err := readTranscripts(ctx, agents); err != nil {
			return nil, err
		}
		ledger.Verified()
	}
	rep := &Report{Run: run, URL: o.URL, Customers: o.Customers, Agents: len(agents), TargetRate: o.Rate,
		Opening: opening, Sending: sending, Notes: notes,
		Webhooks: WebhookStats{Messages: cs.messages.Load(), Posts: cs.posts.Load(), Failures: cs.failures.Load(),
			Acked: cs.acked.Load(), GivenUp: cs.givenUp.Load()},
		ChatsConnected: connected, Latency: ledger.Latencies(), Delivered: ledger.deliveryRate(), Check: ledger.Check()}
	if sending > 0 {
		rep.Throughput = float64(cs.acked.Load()-opened) / sending.Seconds()
	}
	if o.PID > 0 {
		if rep.Memory, err = readMemory(o.PID); err != nil {
			rep.Notes = append(rep.Notes, err.Error())
		}
		if rep.CPU = cpu; cpuErr != nil {
			rep.Notes = append(rep.Notes, cpuErr.Error())
		}
	}
	for _, a := range agents {
		rep.AgentErrors += a.errs.Load()
		if !o.KeepChats {
			rep.CloseFailures += a.closeChats(ctx)
		}
		a.logout(ctx)
	}
	return rep, nil
}

// talk has the customers whose chats are connected write at the rate, for
// o.Duration or o.Messages; it returns how long they wrote.
func talk(ctx context.Context, o Options, cs *customers) time.Duration {
	tokens := make(chan struct{})
	start := time.Now()
	var writers sync.WaitGroup
	for i := range o.Customers {
		writers.Go(func() { cs.talk(ctx, i, tokens) })
	}
	pace(ctx, tokens, o.Rate, o.Duration, o.Messages)
	writers.Wait()
	return time.Since(start)
}

// openChats has every customer write its first message, at the rate,
// and waits (at most o.Drain) until agents hold their chats. It returns
// how long that took and how many chats were connected.
func openChats(ctx context.Context, o Options, cs *customers, log *slog.Logger) (time.Duration, int) {
	start := time.Now()
	tokens := make(chan struct{})
	var writers sync.WaitGroup
	for i := range o.Customers {
		writers.Go(func() { cs.open(ctx, i, tokens) })
	}
	pace(ctx, tokens, o.Rate, 0, o.Customers)
	writers.Wait()
	deadline := time.Now().Add(o.Drain)
	tick := time.NewTicker(settlePoll)
	defer tick.Stop()
	for cs.connectedCount() < o.Customers && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return time.Since(start), cs.connectedCount()
		case <-tick.C:
		}
	}
	n := cs.connectedCount()
	log.Info("chats open", slog.Int("connected", n), slog.Duration("in", time.Since(start)))
	return time.Since(start), n
}

// startAgents logs every agent in, opens their streams and makes them
// Ready. The returned group ends when ctx does and their work is done.
func startAgents(ctx context.Context, o Options, run string, l *Ledger, transport http.RoundTripper,
	connected func(int), log *slog.Logger) ([]*agent, *sync.WaitGroup, error) {
	wg := &sync.WaitGroup{}
	agents := make([]*agent, o.Tenant.Agents)
	errs := make([]error, len(agents))
	sem := make(chan struct{}, loginConcurrency)
	var starting sync.WaitGroup
	for i := range agents {
		a := newAgent(o.Tenant.AgentName(i+1), run, newSession(o.URL, transport), l, log, connected)
		agents[i] = a
		starting.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := a.login(ctx, o.Tenant.Tenant, o.Tenant.Password); err != nil {
				errs[i] = err
				return
			}
			// The open stream is the agent's presence: open it first.
			resp, err := a.openStream(ctx, 0)
			if err != nil {
				errs[i] = err
				return
			}
			wg.Go(func() { a.stream(ctx, resp) })
			for range agentWorkers {
				wg.Go(func() { a.work(ctx) })
			}
			errs[i] = a.ready(ctx)
		})
	}
	starting.Wait()
	return agents, wg, firstOf(errs, "agents could not start")
}

// firstOf sums up errs (one per agent): how many failed, and the first
// error, rather than the same error a thousand times.
func firstOf(errs []error, what string) error {
	var first error
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
			first = cmp.Or(first, err)
		}
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d %s; the first: %w", n, len(errs), what, first)
}

// drain waits until everything acknowledged reached the agents and every
// reply the Graph API, or until limit; false when it gave up.
func drain(ctx context.Context, limit time.Duration, l *Ledger, agents []*agent, log *slog.Logger) bool {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(settlePoll)
	defer tick.Stop()
	for {
		// Settled and idle, then settled again: a task that ran between
		// the two looks may have posted a reply the first look missed.
		if l.settled() && allIdle(agents) && l.settled() {
			return true
		}
		if time.Now().After(deadline) {
			m, r := l.pending()
			log.Warn("drain timed out", slog.Int("messages", m), slog.Int("replies", r))
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

func allIdle(agents []*agent) bool {
	for _, a := range agents {
		if !a.idle() {
			return false
		}
	}
	return true
}

// readTranscripts has every agent read its chats back, a few at a time.
func readTranscripts(ctx context.Context, agents []*agent) error {
	errs := make([]error, len(agents))
	sem := make(chan struct{}, loginConcurrency)
	var wg sync.WaitGroup
	for i, a := range agents {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = a.readTranscripts(ctx)
		})
	}
	wg.Wait()
	return firstOf(errs, "agents could not read their chats back")
}
