package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/loadtest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// faultTimeout bounds every wait of the fault suite.
const faultTimeout = 2 * time.Minute

// faultCluster is one run of the fault suite: three nodes on a fresh
// schema, NATS through a proxy, the balancer, the harness's Graph API.
type faultCluster struct {
	t       *testing.T
	st      *sqlstore.Store // the test's own connection, never killed
	appName string          // the nodes' application_name in pg_stat_activity
	tenant  loadtest.Tenant
	graph   *loadtest.Graph
	bus     *tcpProxy
	nodes   []*node
	dead    map[*node]bool
	lb      *balancer

	stopWatch func()
}

func newFaultCluster(t *testing.T, bin, natsURL string, redeliver bool) *faultCluster {
	t.Helper()
	st, dsn := sqltest.OpenPostgresUnmigrated(t)
	fc := &faultCluster{t: t, st: st, appName: fmt.Sprintf("parley-faults-%d", time.Now().UnixNano()), dead: map[*node]bool{}}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", fc.appName)
	u.RawQuery = q.Encode()

	fc.tenant = loadtest.DefaultTenant()
	fc.tenant.Agents, fc.tenant.Capacity, fc.tenant.HashCost = faultAgents, faultCapacity, bcrypt.MinCost
	fc.graph, err = loadtest.ListenGraph("127.0.0.1:0", fc.tenant, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fc.graph.Close() })
	fc.graph.Fake().SetRateLimitRegain(0) // a 613 pauses the page for no longer than the retry
	fc.tenant.GraphURL = fc.graph.URL()
	yaml, err := fc.tenant.Config()
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "bench.yaml")
	if err := os.WriteFile(cfg, yaml, 0o600); err != nil {
		t.Fatal(err)
	}
	fc.bus = newTCPProxy(t, natsURL[len("nats://"):])

	fc.nodes = make([]*node, 3)
	var wg sync.WaitGroup
	for i := range fc.nodes {
		wg.Go(func() {
			fc.nodes[i] = startNode(t, bin, fmt.Sprintf("node-%c", 'a'+i), i, "--addr", "127.0.0.1:0", "--database", u.String(),
				"--config", cfg, "--bus", "nats://"+fc.bus.addr(), "--log-level", "info")
		})
	}
	wg.Wait()
	var urls []string
	for _, n := range fc.nodes {
		if n.err != "" {
			t.Fatal(n.err)
		}
		urls = append(urls, n.url)
	}
	for _, n := range fc.nodes {
		fc.waitFor(n.name+" /readyz", func() (bool, string) {
			code, err := httpStatus(n.url + "/readyz")
			return code == 200, fmt.Sprintf("HTTP %d %v", code, err)
		})
	}
	fc.lb = newBalancer(urls, redeliver)
	t.Cleanup(func() {
		fc.lb.Close()
		if t.Failed() {
			for _, n := range fc.nodes {
				n.dump(t)
			}
		}
	})
	return fc
}

// waitFor polls cond until it holds; the test fails with cond's last
// detail after faultTimeout, or at once when a node that should run exited.
func (fc *faultCluster) waitFor(what string, cond func() (bool, string)) {
	fc.t.Helper()
	deadline := time.Now().Add(faultTimeout)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		fc.checkAlive()
		if time.Now().After(deadline) {
			fc.t.Fatalf("timed out waiting for %s: %s", what, detail)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (fc *faultCluster) checkAlive() {
	fc.t.Helper()
	for _, n := range fc.nodes {
		if !fc.dead[n] && n.exited() {
			fc.t.Fatalf("%s exited: %v", n.name, n.waitErr)
		}
	}
}

// leader waits until exactly one node logged that it leads routing.
func (fc *faultCluster) leader() *node {
	fc.t.Helper()
	var lead *node
	fc.waitFor("a routing leader", func() (bool, string) {
		var leads []*node
		for _, n := range fc.nodes {
			if n.count(leaderLine) > 0 {
				leads = append(leads, n)
			}
		}
		if len(leads) > 1 {
			fc.t.Fatalf("%d nodes lead routing", len(leads))
		}
		if len(leads) == 1 {
			lead = leads[0]
		}
		return lead != nil, "no node logged leadership"
	})
	return lead
}

// waitAgentsStreaming waits until every agent's event stream is open, on
// nodes that are alive: the agents of a dead node reconnected.
func (fc *faultCluster) waitAgentsStreaming() {
	fc.t.Helper()
	fc.waitFor("every agent streaming from a live node", func() (bool, string) {
		on := fc.lb.streamsOn()
		total := 0
		for _, n := range fc.nodes {
			if fc.dead[n] && on[n.url] > 0 {
				return false, fmt.Sprintf("%d streams still on dead %s", on[n.url], n.name)
			}
			total += on[n.url]
		}
		return total == faultAgents, fmt.Sprintf("%d of %d agents streaming: %v", total, faultAgents, on)
	})
}

// killConnections terminates every database connection of the nodes,
// every 200 ms for d, as a PostgreSQL restart does to its clients.
func (fc *faultCluster) killConnections(d time.Duration) {
	fc.t.Helper()
	admin, err := sql.Open("pgx", sqltest.PostgresDSN())
	if err != nil {
		fc.t.Fatal(err)
	}
	defer admin.Close()
	killed := 0
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		var n int
		err := admin.QueryRow(`SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) k`, fc.appName).Scan(&n)
		if err != nil {
			fc.t.Fatalf("kill the nodes' connections: %v", err)
		}
		killed += n
	}
	fc.t.Logf("killed %d database connections in %v", killed, d)
	if killed == 0 {
		fc.t.Fatal("no database connection of the nodes was found to kill")
	}
}

// watchRouting samples the routing state until stopWatching: no agent
// ever holds more chats and offers than their capacity, and no assigned
// chat moves to another agent (the suite transfers none).
func (fc *faultCluster) watchRouting() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	fc.stopWatch = func() { cancel(); <-done }
	fc.t.Cleanup(fc.stopWatch)
	go func() {
		defer close(done)
		assigned := map[string]string{}
		reported := map[string]bool{}
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(250 * time.Millisecond):
			}
			chats, err := fc.st.Chats(ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, States: []string{parley.ChatAssigned}, Limit: 1000})
			if err != nil {
				continue // ctx ended; the test's own connection is never killed
			}
			offers, err := fc.st.Offers(ctx, parley.DefaultTenant)
			if err != nil {
				continue
			}
			load := map[string]int{}
			for _, ch := range chats {
				load[ch.AgentID]++
				if prev, ok := assigned[ch.ID]; ok && prev != ch.AgentID && !reported[ch.ID] {
					reported[ch.ID] = true
					fc.t.Errorf("chat %s moved from agent %s to %s", ch.ID, prev, ch.AgentID)
				}
				assigned[ch.ID] = ch.AgentID
			}
			for _, o := range offers {
				load[o.AgentID]++
			}
			for agent, n := range load {
				if n > faultCapacity && !reported[agent] {
					reported[agent] = true
					fc.t.Errorf("agent %s holds %d chats and offers, capacity %d", agent, n, faultCapacity)
				}
			}
		}
	}()
}

func (fc *faultCluster) stopWatching() { fc.stopWatch() }

// checkStoredOnce reads the database: every customer message (by its
// Facebook mid) is stored once, redelivered copies included, and each
// customer has one chat.
func (fc *faultCluster) checkStoredOnce() {
	fc.t.Helper()
	ctx := context.Background()
	chats, err := fc.st.Chats(ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, Limit: 1000})
	if err != nil {
		fc.t.Fatal(err)
	}
	if len(chats) != faultCustomers {
		fc.t.Errorf("%d chats, want %d (one per customer)", len(chats), faultCustomers)
	}
	mids := map[string]int{}
	for _, ch := range chats {
		ms, err := fc.st.Messages(ctx, ch.ID, 0)
		if err != nil {
			fc.t.Fatal(err)
		}
		for _, m := range ms {
			if m.Direction == parley.Inbound && m.ExternalID != "" { // a customer's message, not a chat event
				mids[m.ExternalID]++
			}
		}
	}
	twice := 0
	for mid, n := range mids {
		if n > 1 {
			if twice++; twice <= 10 {
				fc.t.Errorf("message %s stored %d times", mid, n)
			}
		}
	}
	if twice > 0 {
		fc.t.Errorf("%d of %d customer messages stored more than once", twice, len(mids))
	}
}

// testLogger is the harness's log: discarded, unless the test is verbose
// and PARLEY_TEST_LOG names a level.
func testLogger() *slog.Logger {
	var level slog.Level
	if !testing.Verbose() || level.UnmarshalText([]byte(os.Getenv("PARLEY_TEST_LOG"))) != nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
