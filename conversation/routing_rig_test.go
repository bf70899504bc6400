package conversation

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/sqlstore"
)

// fakeClock is a clock the test moves by hand; workers still tick in real
// time but every rule reads this clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// rig is a tenant on a real database with routing running.
type rig struct {
	t       testing.TB
	ctx     context.Context
	st      *sqlstore.Store
	clock   *fakeClock
	bus     *inmem.Bus
	nodes   []*Service
	stops   []context.CancelFunc
	done    []chan struct{}
	service *parley.Service
	account string
	channel *channeltest.Channel
	agents  map[string]*parley.User
	mu      sync.Mutex
	n       int
	grace   time.Duration // presence grace of new nodes; long unless a test is about presence
}

func newRig(t testing.TB, st *sqlstore.Store, rs parley.ServiceRouting, agents map[string]int) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{t: t, ctx: ctx, channel: channeltest.New(), st: st, clock: &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, bus: inmem.New(), agents: map[string]*parley.User{}, grace: time.Hour}
	st.SetClock(r.clock) // rows stamped in the rig's time
	must(t, st.EnsureTenant(ctx, &parley.Tenant{ID: parley.DefaultTenant}))
	acct := &parley.Account{TenantID: parley.DefaultTenant, Name: "page", Type: channeltest.Type, PageID: "p1",
		AccessToken: "t", AppSecret: "s", VerifyToken: "v", APIBaseURL: "http://127.0.0.1:1", Active: true}
	must(t, st.UpsertAccount(ctx, acct))
	r.account = acct.ID
	r.service = &parley.Service{TenantID: parley.DefaultTenant, Name: "Support"}
	must(t, st.UpsertService(ctx, r.service))
	must(t, st.SetServiceRouting(ctx, r.service.ID, rs))
	for name, capacity := range agents {
		u := &parley.User{TenantID: parley.DefaultTenant, Username: name, DisplayName: name, Role: parley.RoleAgent,
			Capacity: capacity, ServiceIDs: []string{r.service.ID}}
		must(t, st.UpsertUser(ctx, u))
		r.agents[name] = u
	}
	t.Cleanup(r.stopAll)
	return r
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// start runs one more node (a conversation service) on the rig's database.
func (r *rig) start() *Service { return r.startWith(nil) }

// startWith is start with the node's configuration changed by tune (a
// store or bus that fails on purpose, another poll interval).
func (r *rig) startWith(tune func(*Config)) *Service {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("PARLEY_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	cfg := Config{Store: r.st, Bus: r.bus, Clock: r.clock, Logger: log, PollInterval: 20 * time.Millisecond, PresenceGrace: r.grace,
		Channels: parley.NewChannels(r.channel)}
	if tune != nil {
		tune(&cfg)
	}
	s := New(cfg)
	ctx, cancel := context.WithCancel(r.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx)
	}()
	r.nodes, r.stops, r.done = append(r.nodes, s), append(r.stops, cancel), append(r.done, done)
	return s
}

// stop ends node i as a crash would: its goroutines stop, the database keeps everything.
func (r *rig) stop(i int) {
	if r.stops[i] != nil {
		r.stops[i]()
		<-r.done[i]
		r.stops[i] = nil
	}
}

func (r *rig) stopAll() {
	for i := range r.stops {
		r.stop(i)
	}
}

func (r *rig) node() *Service { return r.nodes[len(r.nodes)-1] }

// ready sets the agent Ready (which also counts as their desktop's sign
// of life) and, when a node leads routing, waits until its index sees it:
// a chat that arrives next is then routed knowing she is there. (The
// leader reads agents before the event log, so without the wait a pass
// already under way could route that chat before seeing her.)
func (r *rig) ready(name string) {
	r.t.Helper()
	if _, err := r.node().SetAgentStatus(r.ctx, r.agents[name], parley.StateReady, ""); err != nil {
		r.t.Fatal(err)
	}
	id := r.agents[name].ID
	r.eventually(name+" ready in the routing index", func() bool {
		leading := false
		for _, s := range r.nodes {
			s.routing.mu.Lock()
			tr := s.routing.tenants[parley.DefaultTenant]
			s.routing.mu.Unlock()
			if tr == nil {
				continue
			}
			leading = true
			seen := false
			tr.lock(func() {
				a, ok := tr.x.Agent(id)
				seen = ok && a.State == parley.StateReady && a.Present
			})
			if seen {
				return true
			}
		}
		return !leading
	})
}

// arrive queues a new chat with the priority, as a scenario's Find Agent does.
func (r *rig) arrive(priority int) *parley.Chat {
	r.t.Helper()
	return r.arriveOn(r.node(), priority)
}

// arriveOn is arrive with the event written by node s.
func (r *rig) arriveOn(s *Service, priority int) *parley.Chat {
	r.t.Helper()
	r.mu.Lock()
	r.n++
	n := r.n
	r.mu.Unlock()
	cust, _, err := r.st.EnsureCustomer(r.ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: r.account,
		ExternalID: fmt.Sprintf("psid-%d", n), FirstName: fmt.Sprintf("C%d", n),
		LastMessageAt: r.clock.Now()}) // the customer wrote: Messenger's window is open
	must(r.t, err)
	c := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: r.account, CustomerID: cust.ID}
	must(r.t, r.st.CreateChat(r.ctx, c))
	must(r.t, r.st.EnqueueChat(r.ctx, c.ID, r.service.ID, priority, r.clock.Now()))
	c.State, c.ServiceID, c.Priority = parley.ChatQueued, r.service.ID, priority
	must(r.t, s.emitChat(r.ctx, parley.EventChatUpdated, c))
	return c
}

func (r *rig) chat(id string) *parley.Chat {
	c, err := r.st.Chat(r.ctx, id)
	must(r.t, err)
	return c
}

func (r *rig) offerOf(chatID string) string {
	offers, err := r.st.Offers(r.ctx, parley.DefaultTenant)
	must(r.t, err)
	for _, o := range offers {
		if o.ChatID == chatID {
			return o.AgentID
		}
	}
	return ""
}

// eventually polls cond for up to 10 s.
func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: CI runs every package at once on two cores
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *rig) name(id string) string {
	for n, u := range r.agents {
		if u.ID == id {
			return n
		}
	}
	return id
}

// nameOf returns the rig name of an agent id, for failure messages.
func (r *rig) nameOf(id string) string {
	for name, u := range r.agents {
		if u.ID == id {
			return name
		}
	}
	return fmt.Sprintf("%q (no agent)", id)
}
