package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/loadtest"
)

// A fault of the suite: what it does to the cluster in the middle of the
// load, and how long the customers keep writing (past the fault, so
// agents and customers live through its end).
type fault struct {
	name      string
	talk      time.Duration
	redeliver bool // the balancer posts every webhook twice
	inject    func(fc *faultCluster)
}

// TestFaults runs three `parley serve` processes on one PostgreSQL schema
// and NATS (through a proxy that can cut it), behind a round-robin load
// balancer, and puts the load harness on them. In the middle of each run
// one fault strikes. After each: no acknowledged message lost, none
// shown or stored twice, no reply lost or sent twice (loadtest's check,
// plus the database read directly), every chat connected, every agent's
// event stream open again on a live node, no agent ever over capacity and
// no assigned chat moved to another agent.
//
// It needs PARLEY_FAULTS=1 (`make test-faults`): a few minutes of load
// that `go test ./...` leaves out. The fault windows are shorter than
// production outages (and the 60 s of Graph errors) to keep CI
// time sane; each still spans many retries of the server's outbox and
// inbound processing. The nodes are built without -race (buildParley):
// the race detector would make them too slow for the load.
func TestFaults(t *testing.T) {
	if os.Getenv("PARLEY_FAULTS") != "1" {
		t.Skip("fault suite: set PARLEY_FAULTS=1 (make test-faults)")
	}
	natsURL := requireNATS(t)
	bin := buildParley(t)
	for _, f := range []fault{
		{name: "kill-9-leader", talk: 15 * time.Second, inject: func(fc *faultCluster) {
			lead := fc.leader()
			fc.t.Logf("kill -9 %s, the routing leader", lead.name)
			lead.kill()
			fc.dead[lead] = true
			fc.waitFor("another node to lead routing", func() (bool, string) {
				for _, n := range fc.nodes {
					if n != lead && n.count(leaderLine) > 0 {
						return true, ""
					}
				}
				return false, "no survivor logged leadership"
			})
		}},
		// Every node's database connections killed again and again for
		// 6 s: what the nodes see of a PostgreSQL restart. It once found
		// messages stored but never shown (messages.handled fixed it).
		{name: "postgres-restart", talk: 15 * time.Second, inject: func(fc *faultCluster) {
			fc.killConnections(6 * time.Second)
		}},
		{name: "nats-paused-30s", talk: 40 * time.Second, inject: func(fc *faultCluster) {
			fc.bus.pause()
			time.Sleep(30 * time.Second) // the outage itself
			fc.bus.resume()
			fc.waitFor("every node back on the bus", func() (bool, string) {
				return fc.bus.open() >= len(fc.nodes), fmt.Sprintf("%d connections to NATS", fc.bus.open())
			})
		}},
		{name: "graph-half-errors", talk: 25 * time.Second, inject: func(fc *faultCluster) {
			// 20 s rather than the 60: every message's first
			// try fails (500 or 613), which is what the outbox must
			// survive; a longer window only repeats it.
			fake := fc.graph.Fake()
			fake.FailEachMessage(1, fakegraph.FailServer, fakegraph.FailRateLimit)
			time.Sleep(20 * time.Second) // the outage itself
			n := fake.FlakyFailures()    // read before the reset clears it
			fake.FailEachMessage(0)
			if n < 20 {
				fc.t.Errorf("the Graph API failed only %d calls during the window", n)
			}
		}},
		{name: "redelivery-storm", talk: 15 * time.Second, redeliver: true, inject: func(fc *faultCluster) {}},
	} {
		t.Run(f.name, func(t *testing.T) {
			runFault(t, bin, natsURL, f)
		})
	}
}

// Harness settings: 12 customers, 6 agents of 3 chats each (room for
// every chat), 20 messages a second.
const (
	faultCustomers = 12
	faultAgents    = 6
	faultCapacity  = 3
	faultRate      = 20
)

func runFault(t *testing.T, bin, natsURL string, f fault) {
	start := time.Now()
	fc := newFaultCluster(t, bin, natsURL, f.redeliver)
	fc.watchRouting()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	var (
		rep      *loadtest.Report
		runErr   error
		finished = make(chan struct{})
	)
	go func() {
		defer close(finished)
		rep, runErr = loadtest.Run(ctx, loadtest.Options{URL: fc.lb.URL(), Tenant: fc.tenant, Graph: fc.graph,
			Customers: faultCustomers, Rate: faultRate, Duration: f.talk, Drain: 2 * time.Minute,
			KeepChats: true, Logger: testLogger()})
	}()
	t.Cleanup(func() { cancel(); <-finished })

	// Mid-run: the chats are open and customers are talking.
	fc.waitFor("customers talking", func() (bool, string) {
		n := fc.lb.webhooks.Load()
		return n >= faultCustomers+40, fmt.Sprintf("%d webhooks acknowledged", n)
	})
	t.Logf("fault %s at %v", f.name, time.Since(start).Round(time.Second))
	f.inject(fc)
	fc.waitAgentsStreaming()

	<-finished
	if runErr != nil {
		t.Fatalf("harness: %v", runErr)
	}
	fc.lb.copies.Wait()
	fc.stopWatching()
	c := rep.Check
	t.Logf("%s: %d acked, %d given up, %d webhook failures, %d replies delivered, %d redelivered; %v in all",
		f.name, c.Acked, rep.Webhooks.GivenUp, rep.Webhooks.Failures, c.RepliesDelivered, fc.lb.resent.Load(), time.Since(start).Round(time.Second))
	if !c.OK || !c.Transcripts {
		t.Errorf("exactly-once check failed (transcripts read: %v): lost %d, duplicated %d, missing in store %d, twice in store %d, replies lost %d, replies twice %d, strange %d: %v",
			c.Transcripts, c.Lost, c.Duplicated, c.MissingInStore, c.DuplicatedInStore, c.RepliesLost, c.RepliesDuplicated, c.Strange, c.Problems)
	}
	if c.Acked < faultCustomers+100 || c.RepliesDelivered < c.Acked/2 {
		t.Errorf("too little got through to judge: %d messages acknowledged, %d replies delivered", c.Acked, c.RepliesDelivered)
	}
	if rep.ChatsConnected != faultCustomers {
		t.Errorf("%d of %d chats connected to an agent", rep.ChatsConnected, faultCustomers)
	}
	if f.redeliver && fc.lb.resent.Load() < int64(c.Acked)/2 {
		t.Errorf("only %d of %d webhooks were redelivered", fc.lb.resent.Load(), c.Acked)
	}
	fc.checkStoredOnce()
}
