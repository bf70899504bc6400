package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/scenario"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// The page of testdata/multinode.yaml.
const (
	mnPageID    = "200000000000001"
	mnPageToken = "acme-page-token"
	mnAppSecret = "acme-app-secret"
)

// mnAgents are the agents of testdata/multinode.yaml and the node (0 or 1)
// whose desktop each one uses first. Their capacities add up to 6.
var mnAgents = []struct {
	user, pass string
	node       int
}{
	{"alice", "alice-pass", 0},
	{"bob", "bob-pass", 0},
	{"cleo", "cleo-pass", 1},
	{"dan", "dan-pass", 1},
}

// mnCustomers write to the page. The first eight write while both nodes
// run (customer i to node i%2) and again to the routing leader just before
// it is killed; the last four write to the survivor.
var mnCustomers = []struct{ psid, first, last string }{
	{"7100000000000001", "Ana", "Silva"},
	{"7100000000000002", "Ben", "Ito"},
	{"7100000000000003", "Chloe", "Martin"},
	{"7100000000000004", "Dev", "Patel"},
	{"7100000000000005", "Eva", "Novak"},
	{"7100000000000006", "Femi", "Adeyemi"},
	{"7100000000000007", "Gus", "Berg"},
	{"7100000000000008", "Hana", "Sato"},
	{"7100000000000009", "Ivo", "Horvat"},
	{"7100000000000010", "Jade", "Moreau"},
	{"7100000000000011", "Kai", "Larsen"},
	{"7100000000000012", "Lea", "Rossi"},
}

// mnTimeout bounds every wait: generous, the suite runs on two loaded cores.
const mnTimeout = 90 * time.Second

// TestMultiNode runs two `parley serve` processes on one PostgreSQL schema
// and one NATS server. Customers write to both nodes; agents work on both;
// the routing leader (whichever node won the advisory lock) assigns every
// chat once and within capacity, agents on the other node hear of it over
// their node's event stream, and replies sent on either node reach the
// Graph API once. Then the leader is killed with SIGKILL: the survivor
// takes over routing, routes new chats, and every acknowledged message is
// in the transcripts exactly once.
func TestMultiNode(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-node test: builds the binary and runs two servers; skipped in -short mode")
	}
	natsURL := requireNATS(t)
	bin := buildParley(t)
	for _, tc := range []struct {
		name       string
		autoAccept bool // else routing offers and the agents accept over HTTP
	}{
		{"auto-accept", true},
		{"offers", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runMultiNode(t, bin, natsURL, tc.autoAccept)
		})
	}
}

func runMultiNode(t *testing.T, bin, natsURL string, autoAccept bool) {
	c := newCluster(t, bin, natsURL, autoAccept)

	// Both nodes serve the same database; exactly one leads routing.
	leader := c.leader()
	follower := c.nodes[1-leader.idx]
	t.Logf("routing leader: %s, follower: %s", leader.name, follower.name)

	for _, a := range mnAgents {
		c.login(a.user, a.pass, c.nodes[a.node])
	}

	// The agents are Ready before anyone writes, so the leader assigns
	// chats while other nodes are still running their scenarios' first
	// steps: work on one chat is serialized across nodes (chat run
	// leases), or a chat assigned between being queued and saving its
	// wait would never leave Find Agent.
	c.ready()

	// Phase 1: eight customers write at once, split across the nodes; the
	// first four are delivered to the other node as well (Facebook retries
	// through the load balancer). A badly signed delivery is refused.
	var first []delivery
	for i := range 8 {
		d := delivery{customer: i, mid: fmt.Sprintf("m_%d_1", i), text: "Hello from " + mnCustomers[i].first, to: []*node{c.nodes[i%2]}}
		if i < 4 {
			d.to = append(d.to, c.nodes[1-i%2])
		}
		first = append(first, d)
	}
	c.deliver(first...)
	c.forged(c.nodes[0], "m_forged", "Forged message")

	// Six chats fill the six places; two wait.
	c.waitRouting("phase 1", 6, 2)
	c.checkAssignments("phase 1", map[*node]bool{leader: true})
	onFollower := 0
	for _, d := range c.desks {
		if d.firstNode == follower {
			onFollower += len(c.assignedTo(d))
		}
	}
	if onFollower == 0 {
		t.Fatalf("no chat went to an agent of the follower %s: nothing crossed nodes", follower.name)
	}

	// Every agent replies to each of their chats, on both nodes in turn.
	c.replyAll("phase 1", func(k int) *node { return c.nodes[k%2] })

	// Phase 2: the leader acknowledges a follow-up of every customer and
	// dies at once, in the middle of handling them.
	var again []delivery
	for i := range 8 {
		again = append(again, delivery{customer: i, mid: fmt.Sprintf("m_%d_2", i), text: mnCustomers[i].first + " again: any news?", to: []*node{leader}})
	}
	c.deliver(again...)
	leader.kill()
	c.alive = []*node{follower}

	// The survivor takes the leadership over.
	c.wait("the survivor to lead routing", func() (bool, string) {
		n := follower.count(leaderLine)
		return n >= 1, fmt.Sprintf("%s logged %d leadership lines", follower.name, n)
	})
	// The killed node's desktops reconnect to the survivor and resume
	// after the last event they saw.
	for _, d := range c.desks {
		if d.node() == leader {
			d.reconnect(follower)
		}
	}
	// Nothing the dead node acknowledged is lost.
	c.waitAllAcked()

	// New customers write to the survivor; the agents close their first
	// chats there, which makes room for every waiting chat.
	var late []delivery
	for i := 8; i < len(mnCustomers); i++ {
		late = append(late, delivery{customer: i, mid: fmt.Sprintf("m_%d_1", i), text: "Hello from " + mnCustomers[i].first, to: []*node{follower}})
	}
	c.deliver(late...)
	c.waitQueued("phase 2", 6)
	c.closeAll(follower)
	c.waitRouting("phase 2", 6, 0)
	c.checkAssignments("phase 2", map[*node]bool{follower: true})
	c.replyAll("phase 2", func(int) *node { return follower })

	// The transcripts and the Graph API: everything once.
	c.waitAllAcked()
	c.checkTranscripts()
	c.checkSends()
	for _, d := range c.desks {
		d.checkStream()
	}
}

// cluster is the world of one run: the database, the fake Graph API, two
// nodes, the agents' desktops and what was acknowledged.
type cluster struct {
	t          *testing.T
	ctx        context.Context
	st         *sqlstore.Store
	graph      *fakegraph.Server
	autoAccept bool
	nodes      [2]*node
	alive      []*node
	desks      []*desk
	capacity   map[string]int    // agent id → capacity
	names      map[string]string // agent id → username
	display    map[string]string // agent id → display name

	acked    map[string]ackedMsg // by mid: webhooks answered 200
	forgedMs []string            // mids of refused deliveries
	replies  []reply             // agent replies answered 201
	closed   map[string]string   // chat id → psid of chats closed by agents
	assigned map[string]string   // chat id → agent id, every assignment seen
	psidOf   map[string]string   // customer id → psid
}

type ackedMsg struct{ psid, text string }

type reply struct {
	id, chatID, psid, text, node string
}

func newCluster(t *testing.T, bin, natsURL string, autoAccept bool) *cluster {
	t.Helper()
	ctx := context.Background()
	// A fresh schema; the nodes migrate it. st is the test's own view.
	st, dsn := sqltest.OpenPostgresUnmigrated(t)

	graph := fakegraph.New()
	graph.AddPage(mnPageID, "Acme", mnPageToken)
	for _, cu := range mnCustomers {
		graph.SetProfile(cu.psid, cu.first, cu.last, "")
	}
	gs := httptest.NewServer(graph)
	t.Cleanup(gs.Close)

	var buf bytes.Buffer
	tmpl := template.Must(template.ParseFiles("testdata/multinode.yaml"))
	if err := tmpl.Execute(&buf, map[string]any{"GraphURL": gs.URL, "AutoAccept": autoAccept}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	c := &cluster{t: t, ctx: ctx, st: st, graph: graph, autoAccept: autoAccept,
		capacity: map[string]int{}, names: map[string]string{}, display: map[string]string{}, acked: map[string]ackedMsg{},
		closed: map[string]string{}, assigned: map[string]string{}, psidOf: map[string]string{}}
	// Both nodes start at once, as a deployment would start them.
	var wg sync.WaitGroup
	for i, name := range []string{"node-a", "node-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.nodes[i] = startNode(t, bin, name, i, "--addr", "127.0.0.1:0", "--database", dsn, "--config", cfg,
				"--bus", natsURL, "--log-level", "info")
		}()
	}
	wg.Wait()
	for _, n := range c.nodes {
		if n.err != "" {
			t.Fatal(n.err)
		}
	}
	c.alive = c.nodes[:]
	for _, n := range c.nodes {
		c.wait(n.name+" /readyz", func() (bool, string) {
			code, err := httpStatus(n.url + "/readyz")
			return code == http.StatusOK, fmt.Sprintf("HTTP %d %v", code, err)
		})
	}
	for _, a := range mnAgents {
		u, err := st.UserByUsername(ctx, parley.DefaultTenant, a.user)
		if err != nil {
			t.Fatalf("user %s: %v", a.user, err)
		}
		c.capacity[u.ID], c.names[u.ID], c.display[u.ID] = u.Capacity, u.Username, u.DisplayName
	}
	t.Cleanup(func() {
		for _, d := range c.desks {
			d.close()
		}
		if t.Failed() {
			for _, n := range c.nodes {
				n.dump(t)
			}
			c.dumpChats()
		}
	})
	return c
}

// wait polls cond until it holds; the test fails with cond's last detail
// after mnTimeout, or at once when a node that should run has exited.
func (c *cluster) wait(what string, cond func() (bool, string)) {
	c.t.Helper()
	deadline := time.Now().Add(mnTimeout)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		for _, n := range c.alive {
			if n.exited() {
				c.t.Fatalf("waiting for %s: %s exited: %v", what, n.name, n.waitErr)
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s: %s", what, detail)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// leader waits until exactly one node logged that it leads routing, and
// checks the other never did.
func (c *cluster) leader() *node {
	c.t.Helper()
	var lead *node
	c.wait("a routing leader", func() (bool, string) {
		a, b := c.nodes[0].count(leaderLine), c.nodes[1].count(leaderLine)
		switch {
		case a > 0 && b > 0:
			c.t.Fatalf("both nodes lead routing (%d, %d leadership lines)", a, b)
		case a > 0:
			lead = c.nodes[0]
		case b > 0:
			lead = c.nodes[1]
		}
		return lead != nil, "no node logged leadership"
	})
	return lead
}

// delivery is one customer message and the nodes Facebook posts it to:
// more than one is a retry reaching another node behind the load balancer.
type delivery struct {
	customer  int
	mid, text string
	to        []*node
}

// deliver posts every delivery to each of its nodes at once, as signed
// webhooks; a message counts as acknowledged once a node answers 200, and
// every post must be answered 200.
func (c *cluster) deliver(ds ...delivery) {
	c.t.Helper()
	type result struct {
		mid, node string
		code      int
		err       error
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out []result
	)
	for _, d := range ds {
		body := fakegraph.TextEvent(mnPageID, mnCustomers[d.customer].psid, d.mid, d.text, time.Now())
		for _, n := range d.to {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, err := c.postWebhook(n, body, mnAppSecret)
				mu.Lock()
				out = append(out, result{d.mid, n.name, code, err})
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, r := range out {
		if r.err != nil || r.code != http.StatusOK {
			c.t.Fatalf("webhook %s to %s: HTTP %d %v, want 200", r.mid, r.node, r.code, r.err)
		}
	}
	for _, d := range ds {
		c.acked[d.mid] = ackedMsg{psid: mnCustomers[d.customer].psid, text: d.text}
	}
}

// forged posts a message signed with the wrong secret: refused, never stored.
func (c *cluster) forged(n *node, mid, text string) {
	c.t.Helper()
	body := fakegraph.TextEvent(mnPageID, mnCustomers[0].psid, mid, text, time.Now())
	if code, err := c.postWebhook(n, body, "not-the-app-secret"); code != http.StatusForbidden {
		c.t.Fatalf("forged webhook to %s: HTTP %d %v, want 403", n.name, code, err)
	}
	c.forgedMs = append(c.forgedMs, mid)
}

// postWebhook posts body to n signed with secret (X-Hub-Signature-256);
// safe from any goroutine.
func (c *cluster) postWebhook(n *node, body []byte, secret string) (int, error) {
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	resp, err := fakegraph.PostSigned(ctx, nil, n.url+"/webhooks/facebook", body, secret)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// state is the routing state in the database.
type state struct {
	open     map[string]*parley.Chat // bot, queued and assigned chats by id
	byState  map[string]int
	load     map[string]int // agent id → assigned chats + pending offers
	offers   map[string]string
	detail   string
	overload []string
}

func (c *cluster) state() state {
	c.t.Helper()
	chats, err := c.st.Chats(c.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant,
		States: []string{parley.ChatBot, parley.ChatQueued, parley.ChatAssigned}, Limit: 500})
	if err != nil {
		c.t.Fatalf("chats: %v", err)
	}
	offers, err := c.st.Offers(c.ctx, parley.DefaultTenant)
	if err != nil {
		c.t.Fatalf("offers: %v", err)
	}
	s := state{open: map[string]*parley.Chat{}, byState: map[string]int{}, load: map[string]int{}, offers: map[string]string{}}
	for _, ch := range chats {
		s.open[ch.ID] = ch
		s.byState[ch.State]++
		if ch.State == parley.ChatAssigned {
			s.load[ch.AgentID]++
			if prev, ok := c.assigned[ch.ID]; ok && prev != ch.AgentID {
				c.t.Errorf("chat %s moved from %s to %s", ch.ID, c.names[prev], c.names[ch.AgentID])
			}
			c.assigned[ch.ID] = ch.AgentID
		}
	}
	for _, o := range offers {
		s.load[o.AgentID]++
		s.offers[o.ChatID] = o.AgentID
	}
	for id, n := range s.load {
		if n > c.capacity[id] {
			s.overload = append(s.overload, fmt.Sprintf("%s has %d chats and offers, capacity %d", c.names[id], n, c.capacity[id]))
		}
	}
	s.detail = fmt.Sprintf("states %v, offers %d, load %v", s.byState, len(offers), c.named(s.load))
	return s
}

func (c *cluster) named(m map[string]int) map[string]int {
	out := map[string]int{}
	for id, n := range m {
		out[c.names[id]] = n
	}
	return out
}

// waitQueued waits until n chats are queued, none is left in the bot, and
// every queued chat's scenario waits for an agent.
func (c *cluster) waitQueued(phase string, n int) {
	c.t.Helper()
	c.wait(phase+" queueing", func() (bool, string) {
		s := c.state()
		if s.byState[parley.ChatQueued] != n || s.byState[parley.ChatBot] != 0 {
			return false, s.detail
		}
		for _, ch := range s.open {
			if ch.State == parley.ChatQueued && ch.Scenario.Waiting != scenario.SigAgentFound {
				return false, fmt.Sprintf("chat %s is queued, its scenario at %q waiting %q", ch.ID, ch.Scenario.Block, ch.Scenario.Waiting)
			}
		}
		return true, ""
	})
}

// waitRouting waits until assigned chats are assigned and queued wait with
// nothing left in the bot or offered, accepting offers the desktops were
// shown (offers mode). Capacity is checked at every look.
func (c *cluster) waitRouting(phase string, assigned, queued int) {
	c.t.Helper()
	c.wait(phase+" routing", func() (bool, string) {
		s := c.state()
		if len(s.overload) > 0 {
			c.t.Fatalf("%s: over capacity: %s", phase, strings.Join(s.overload, "; "))
		}
		if !c.autoAccept {
			for _, d := range c.desks {
				d.acceptOffers(s.offers)
			}
		}
		ok := s.byState[parley.ChatAssigned] == assigned && s.byState[parley.ChatQueued] == queued &&
			s.byState[parley.ChatBot] == 0 && len(s.offers) == 0
		return ok, s.detail
	})
}

// assignedTo is d's assigned chats in the database.
func (c *cluster) assignedTo(d *desk) []*parley.Chat {
	c.t.Helper()
	chats, err := c.st.Chats(c.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, AgentID: d.id, States: []string{parley.ChatAssigned}})
	if err != nil {
		c.t.Fatalf("chats: %v", err)
	}
	return chats
}

// checkAssignments checks that every assigned chat was decided by a node
// in deciders and by no other, that each agent's own desktop stream (on
// whichever node it is connected to) told exactly that agent, and that no
// agent is over capacity.
func (c *cluster) checkAssignments(phase string, deciders map[*node]bool) {
	c.t.Helper()
	s := c.state()
	if len(s.overload) > 0 {
		c.t.Fatalf("%s: over capacity: %s", phase, strings.Join(s.overload, "; "))
	}
	for id, ch := range s.open {
		if ch.State != parley.ChatAssigned {
			continue
		}
		for _, n := range c.nodes {
			decided := n.decided(id)
			if deciders[n] && (len(decided) != 1 || decided[0] != c.display[ch.AgentID]) {
				c.t.Errorf("%s: chat %s went to %s, but the leader %s logged decisions %v for it, want exactly one", phase, id, c.names[ch.AgentID], n.name, decided)
			}
			if !deciders[n] && len(decided) > 0 {
				c.t.Errorf("%s: %s, not leading, decided chat %s: %v", phase, n.name, id, decided)
			}
		}
	}
	// Each agent's stream tells it of its own assignments, and only those.
	c.wait(phase+" assignments on the agents' streams", func() (bool, string) {
		for _, d := range c.desks {
			want := map[string]bool{}
			for _, ch := range c.assignedTo(d) {
				want[ch.ID] = true
			}
			got, via := d.assignedChats(), d.node().name
			for id := range want {
				switch got[id] {
				case "":
					return false, fmt.Sprintf("%s's stream has not shown chat %s (streams: %v)", d.user, id, d.summary())
				case via:
				default:
					c.t.Fatalf("%s: %s's chat %s shown by %s, but the desktop is connected to %s", phase, d.user, id, got[id], via)
				}
			}
		}
		return true, ""
	})
	owners := map[string][]string{}
	for _, d := range c.desks {
		for id, via := range d.assignedChats() {
			owners[id] = append(owners[id], d.user+"@"+via)
		}
	}
	for id, who := range owners {
		if len(who) != 1 {
			c.t.Errorf("%s: chat %s shown as assigned to %v, want exactly one agent", phase, id, who)
		}
		if agent, ok := c.assigned[id]; !ok || !strings.HasPrefix(who[0], c.names[agent]+"@") {
			c.t.Errorf("%s: chat %s shown to %v, database says %q", phase, id, who, c.names[agent])
		}
	}
}

// replyAll has every agent reply to each of their open chats on the node
// via(k) picks for the k-th reply, and waits for each to be sent.
func (c *cluster) replyAll(phase string, via func(k int) *node) {
	c.t.Helper()
	k := 0
	var mine []reply
	for _, d := range c.desks {
		for _, ch := range c.assignedTo(d) {
			n := via(k)
			k++
			text := fmt.Sprintf("%s: %s answers on %s (%d)", phase, d.user, n.name, k)
			var out struct {
				ID string `json:"id"`
			}
			if code := d.do(n, http.MethodPost, "/api/chats/"+ch.ID+"/messages", map[string]string{"text": text}, &out); code != http.StatusCreated {
				c.t.Fatalf("%s replies on %s: HTTP %d", d.user, n.name, code)
			}
			mine = append(mine, reply{id: out.ID, chatID: ch.ID, psid: c.psid(ch.CustomerID), text: text, node: n.name})
		}
	}
	if k == 0 {
		c.t.Fatalf("%s: no chat to reply to", phase)
	}
	c.replies = append(c.replies, mine...)
	c.wait(phase+" replies sent", func() (bool, string) {
		for _, r := range mine {
			m, err := c.st.Message(c.ctx, r.id)
			if err != nil {
				c.t.Fatalf("reply %s: %v", r.id, err)
			}
			if m.Status == parley.MsgFailed {
				c.t.Fatalf("reply %q failed: %s", r.text, m.Error)
			}
			if m.Status != parley.MsgSent && m.Status != parley.MsgDelivered && m.Status != parley.MsgRead {
				return false, fmt.Sprintf("reply %q is %s", r.text, m.Status)
			}
		}
		return true, ""
	})
	for _, r := range mine {
		if n := countSent(c.graph.SentTo(r.psid), r.text); n != 1 {
			c.t.Errorf("reply %q (via %s) reached the Graph API %d times, want 1", r.text, r.node, n)
		}
	}
}

// closeAll has every agent close their assigned chats on n.
func (c *cluster) closeAll(n *node) {
	c.t.Helper()
	for _, d := range c.desks {
		for _, ch := range c.assignedTo(d) {
			if code := d.do(n, http.MethodPost, "/api/chats/"+ch.ID+"/close", nil, nil); code != http.StatusNoContent {
				c.t.Fatalf("%s closes %s on %s: HTTP %d", d.user, ch.ID, n.name, code)
			}
			c.closed[ch.ID] = c.psid(ch.CustomerID)
		}
	}
}

func (c *cluster) psid(customerID string) string {
	c.t.Helper()
	if p, ok := c.psidOf[customerID]; ok {
		return p
	}
	cu, err := c.st.Customer(c.ctx, customerID)
	if err != nil {
		c.t.Fatalf("customer %s: %v", customerID, err)
	}
	c.psidOf[customerID] = cu.ExternalID
	return cu.ExternalID
}

// transcript is every message of the tenant's chats.
type transcript struct {
	byMID   map[string][]*parley.Message
	byID    map[string][]*parley.Message
	chatOf  map[string]string // message id → chat id
	psidOf  map[string]string // chat id → psid
	inbound []*parley.Message
}

func (c *cluster) transcript() transcript {
	c.t.Helper()
	chats, err := c.st.Chats(c.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, Limit: 1000})
	if err != nil {
		c.t.Fatalf("chats: %v", err)
	}
	tr := transcript{byMID: map[string][]*parley.Message{}, byID: map[string][]*parley.Message{},
		chatOf: map[string]string{}, psidOf: map[string]string{}}
	for _, ch := range chats {
		tr.psidOf[ch.ID] = c.psid(ch.CustomerID)
		ms, err := c.st.Messages(c.ctx, ch.ID, 0)
		if err != nil {
			c.t.Fatalf("messages of %s: %v", ch.ID, err)
		}
		for _, m := range ms {
			tr.byID[m.ID] = append(tr.byID[m.ID], m)
			tr.chatOf[m.ID] = ch.ID
			if m.Direction == parley.Inbound {
				tr.inbound = append(tr.inbound, m)
				tr.byMID[m.ExternalID] = append(tr.byMID[m.ExternalID], m)
			}
		}
	}
	return tr
}

// waitAllAcked waits until every acknowledged message is in a transcript.
func (c *cluster) waitAllAcked() {
	c.t.Helper()
	c.wait("every acknowledged message in a transcript", func() (bool, string) {
		tr := c.transcript()
		for mid := range c.acked {
			if len(tr.byMID[mid]) == 0 {
				return false, "missing " + mid
			}
		}
		return true, ""
	})
}

// checkTranscripts: each acknowledged message once, in its customer's
// chat, with its text; nothing else inbound; each reply once.
func (c *cluster) checkTranscripts() {
	c.t.Helper()
	tr := c.transcript()
	for mid, a := range c.acked {
		ms := tr.byMID[mid]
		if len(ms) != 1 {
			c.t.Errorf("message %s is %d times in the transcripts, want once", mid, len(ms))
			continue
		}
		if ms[0].Text != a.text || tr.psidOf[ms[0].ChatID] != a.psid {
			c.t.Errorf("message %s = %q in a chat of %s, want %q of %s", mid, ms[0].Text, tr.psidOf[ms[0].ChatID], a.text, a.psid)
		}
	}
	for _, m := range tr.inbound {
		if _, ok := c.acked[m.ExternalID]; !ok {
			c.t.Errorf("unexpected inbound message %s %q", m.ExternalID, m.Text)
		}
	}
	for _, mid := range c.forgedMs {
		if len(tr.byMID[mid]) > 0 {
			c.t.Errorf("refused delivery %s is in a transcript", mid)
		}
	}
	for _, r := range c.replies {
		if ms := tr.byID[r.id]; len(ms) != 1 || ms[0].Text != r.text || tr.chatOf[r.id] != r.chatID {
			c.t.Errorf("reply %q: %d transcript entries, want one in chat %s", r.text, len(ms), r.chatID)
		}
	}
	// One chat per customer and episode: the closed ones and the open ones.
	chats, err := c.st.Chats(c.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, Limit: 1000})
	if err != nil {
		c.t.Fatal(err)
	}
	if want := len(mnCustomers); len(chats) != want {
		c.t.Errorf("%d chats, want %d (one per customer)", len(chats), want)
	}
}

// checkSends: greetings, replies and goodbyes reached the Graph API once.
func (c *cluster) checkSends() {
	c.t.Helper()
	for _, cu := range mnCustomers {
		if n := countSent(c.graph.SentTo(cu.psid), "Hi "+cu.first+"!"); n != 1 {
			c.t.Errorf("greeting of %s sent %d times, want 1", cu.first, n)
		}
	}
	for _, r := range c.replies {
		if n := countSent(c.graph.SentTo(r.psid), r.text); n != 1 {
			c.t.Errorf("reply %q sent %d times, want 1", r.text, n)
		}
	}
	first := map[string]string{}
	for _, cu := range mnCustomers {
		first[cu.psid] = cu.first
	}
	c.wait("goodbyes of the closed chats", func() (bool, string) {
		for _, psid := range c.closed {
			if n := countSent(c.graph.SentTo(psid), "Goodbye "+first[psid]+"."); n != 1 {
				return n > 1, fmt.Sprintf("goodbye to %s sent %d times", first[psid], n) // more than once: reported below
			}
		}
		return true, ""
	})
	for _, psid := range c.closed {
		if n := countSent(c.graph.SentTo(psid), "Goodbye "+first[psid]+"."); n != 1 {
			c.t.Errorf("goodbye to %s sent %d times, want 1", first[psid], n)
		}
	}
}

func countSent(calls []fakegraph.SentCall, text string) int {
	n := 0
	for _, c := range calls {
		if c.Text == text {
			n++
		}
	}
	return n
}

// login opens a desktop for user on n: a cookie session and the live
// event stream (the agent's presence).
func (c *cluster) login(user, pass string, n *node) *desk {
	c.t.Helper()
	jar, _ := cookiejar.New(nil)
	d := &desk{t: c.t, user: user, jar: jar, client: &http.Client{Jar: jar, Timeout: 30 * time.Second},
		accepted: map[string]bool{}, firstNode: n}
	var out struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if code := d.do(n, http.MethodPost, "/api/login", map[string]string{"username": user, "password": pass}, &out); code != http.StatusOK {
		c.t.Fatalf("login %s on %s: HTTP %d", user, n.name, code)
	}
	d.id = out.User.ID
	if c.names[d.id] != user {
		c.t.Fatalf("login %s: user id %q unknown", user, d.id)
	}
	d.connect(n, 0)
	c.desks = append(c.desks, d)
	return d
}

// ready makes every agent Ready on the node of their desktop.
func (c *cluster) ready() {
	c.t.Helper()
	for _, d := range c.desks {
		n := d.node()
		if code := d.do(n, http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
			c.t.Fatalf("%s ready on %s: HTTP %d", d.user, n.name, code)
		}
	}
}

// desk is an agent's browser: a cookie session and an event stream.
type desk struct {
	t         *testing.T
	user, id  string
	jar       http.CookieJar
	client    *http.Client
	firstNode *node
	accepted  map[string]bool

	mu      sync.Mutex
	cur     *node
	events  []deskEvent
	lastID  int64
	bad     []string // stream faults: ids repeated or out of order
	cancel  context.CancelFunc
	done    chan struct{}
	streams []string // nodes streamed from, in order
}

type deskEvent struct {
	id                 int64
	typ, chatID, agent string
	node               string
}

func (d *desk) node() *node {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cur
}

func (d *desk) do(n *node, method, path string, in, out any) int {
	d.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.url+path, body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s on %s: %v", method, path, n.name, err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			d.t.Fatalf("%s %s on %s: decode: %v", method, path, n.name, err)
		}
	}
	return resp.StatusCode
}

// connect opens the event stream on n, after event last (0: from now).
func (d *desk) connect(n *node, last int64) {
	d.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.url+"/api/events", nil)
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	resp, err := (&http.Client{Jar: d.jar}).Do(req)
	if err != nil {
		cancel()
		d.t.Fatalf("%s: events on %s: %v", d.user, n.name, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		d.t.Fatalf("%s: events on %s: HTTP %d", d.user, n.name, resp.StatusCode)
	}
	done := make(chan struct{})
	d.mu.Lock()
	d.cur, d.cancel, d.done = n, cancel, done
	d.streams = append(d.streams, n.name)
	d.mu.Unlock()
	go func() {
		defer close(done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var ev deskEvent
		var data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.typ = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && ev.typ != "":
				ev.chatID, ev.agent = eventChat(data)
				ev.node = n.name
				d.record(ev)
				ev, data = deskEvent{}, ""
			}
		}
	}()
}

// eventChat reads the chat and agent an event's data names.
func eventChat(data string) (chatID, agentID string) {
	var v struct {
		ID      string `json:"id"`
		ChatID  string `json:"chat_id"`
		AgentID string `json:"agent_id"`
		Chat    *struct {
			ID string `json:"id"`
		} `json:"chat"`
	}
	_ = json.Unmarshal([]byte(data), &v)
	switch {
	case v.Chat != nil:
		chatID = v.Chat.ID
	case v.ChatID != "":
		chatID = v.ChatID
	default:
		chatID = v.ID
	}
	return chatID, v.AgentID
}

func (d *desk) record(ev deskEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ev.id <= d.lastID {
		d.bad = append(d.bad, fmt.Sprintf("event %d (%s) on %s after %d", ev.id, ev.typ, ev.node, d.lastID))
	}
	d.lastID = max(d.lastID, ev.id)
	d.events = append(d.events, ev)
}

// reconnect is the browser's EventSource finding the node gone and
// reconnecting, through the load balancer, to n with Last-Event-ID.
func (d *desk) reconnect(n *node) {
	d.t.Helper()
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	select {
	case <-done:
	case <-time.After(mnTimeout):
		d.t.Fatalf("%s: the stream of the killed node did not end", d.user)
	}
	d.mu.Lock()
	last := d.lastID
	d.mu.Unlock()
	d.connect(n, last)
}

// assignedChats maps the chats the stream showed as assigned to this agent
// to the node that showed them.
func (d *desk) assignedChats() map[string]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]string{}
	for _, ev := range d.events {
		if ev.typ != parley.EventChatAssigned {
			continue
		}
		if ev.agent != d.id {
			d.bad = append(d.bad, fmt.Sprintf("chat.assigned of chat %s for agent %s", ev.chatID, ev.agent))
			continue
		}
		out[ev.chatID] = ev.node
	}
	return out
}

// acceptOffers accepts, on the desktop's node, the offers its stream
// showed that the database still holds for this agent.
func (d *desk) acceptOffers(pending map[string]string) {
	d.t.Helper()
	d.mu.Lock()
	var offered []string
	for _, ev := range d.events {
		if ev.typ == parley.EventOfferCreated && ev.agent == d.id && !d.accepted[ev.chatID] && pending[ev.chatID] == d.id {
			offered = append(offered, ev.chatID)
		}
	}
	n := d.cur
	d.mu.Unlock()
	for _, id := range offered {
		if code := d.do(n, http.MethodPost, "/api/chats/"+id+"/accept", nil, nil); code != http.StatusOK {
			d.t.Fatalf("%s accepts %s on %s: HTTP %d", d.user, id, n.name, code)
		}
		d.accepted[id] = true
	}
}

func (d *desk) summary() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d events via %v", len(d.events), d.streams)
	return b.String()
}

// checkStream: no event came twice or out of order, across reconnects.
func (d *desk) checkStream() {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, b := range d.bad {
		d.t.Errorf("%s's stream: %s", d.user, b)
	}
}

func (d *desk) close() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// node is one `parley serve` process.
type node struct {
	name    string
	idx     int
	cmd     *exec.Cmd
	url     string
	err     string // why it did not start
	waitErr error
	done    chan struct{}

	mu    sync.Mutex
	lines []string
	part  []byte
}

var (
	startedLine  = regexp.MustCompile(`msg="parley started" url=(\S+)`)
	leaderLine   = regexp.MustCompile(`msg="routing leader" tenant=default`)
	decisionLine = regexp.MustCompile(`msg="routing decision" chat=(\S+) agent=("(?:[^"\\]|\\.)*"|\S+)`)
)

// startNode runs `parley serve args...` and waits until it listens.
func startNode(t *testing.T, bin, name string, idx int, args ...string) *node {
	n := &node{name: name, idx: idx, done: make(chan struct{})}
	n.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	n.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PARLEY_") })
	n.cmd.Stdout, n.cmd.Stderr = n, n
	if err := n.cmd.Start(); err != nil {
		n.err = fmt.Sprintf("start %s: %v", name, err)
		return n
	}
	go func() {
		n.waitErr = n.cmd.Wait()
		close(n.done)
	}()
	t.Cleanup(n.stop)
	deadline := time.Now().Add(mnTimeout)
	for {
		if m := n.find(startedLine); m != nil {
			n.url = m[1]
			return n
		}
		if n.exited() {
			n.err = fmt.Sprintf("%s exited before listening: %v\n%s", name, n.waitErr, n.log())
			return n
		}
		if time.Now().After(deadline) {
			n.err = fmt.Sprintf("%s did not start within %v\n%s", name, mnTimeout, n.log())
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Write collects the process's output line by line.
func (n *node) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.part = append(n.part, p...)
	for {
		i := bytes.IndexByte(n.part, '\n')
		if i < 0 {
			break
		}
		n.lines = append(n.lines, string(n.part[:i]))
		n.part = n.part[i+1:]
	}
	return len(p), nil
}

func (n *node) find(re *regexp.Regexp) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, l := range n.lines {
		if m := re.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	return nil
}

func (n *node) count(re *regexp.Regexp) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := 0
	for _, l := range n.lines {
		if re.MatchString(l) {
			k++
		}
	}
	return k
}

// decided lists the agents (display names) this node's routing logged for
// chat id.
func (n *node) decided(id string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, l := range n.lines {
		if m := decisionLine.FindStringSubmatch(l); m != nil && m[1] == id {
			name := m[2]
			if u, err := strconv.Unquote(name); err == nil {
				name = u
			}
			out = append(out, name)
		}
	}
	return out
}

func (n *node) log() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.lines, "\n") + string(n.part)
}

func (n *node) exited() bool {
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// kill ends the process with SIGKILL: no shutdown, connections cut.
func (n *node) kill() {
	_ = n.cmd.Process.Kill()
	<-n.done
}

// stop ends a node that is still running: SIGTERM (a graceful shutdown),
// then SIGKILL if it hangs.
func (n *node) stop() {
	if n.exited() {
		return
	}
	if err := n.cmd.Process.Signal(os.Interrupt); err != nil {
		_ = n.cmd.Process.Kill()
	}
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

func (n *node) dump(t *testing.T) {
	lines := strings.Split(n.log(), "\n")
	if len(lines) > 300 {
		lines = lines[len(lines)-300:]
	}
	t.Logf("---- %s (%s) log ----\n%s", n.name, n.url, strings.Join(lines, "\n"))
}

func httpStatus(url string) (int, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// requireNATS returns the NATS server of the tests ($PARLEY_TEST_NATS or
// nats://127.0.0.1:4222); unreachable, the test is skipped, or fails when
// $CI is "true".
func requireNATS(t *testing.T) string {
	t.Helper()
	url := os.Getenv("PARLEY_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "nats://"), 5*time.Second)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS at %s unreachable (set PARLEY_TEST_NATS): %v", url, err)
		}
		t.Skipf("NATS at %s unreachable, skipping (set PARLEY_TEST_NATS; CI=true makes this fatal): %v", url, err)
	}
	conn.Close()
	return url
}

// buildParley builds this command into a temporary directory.
func buildParley(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "parley")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// dumpChats logs every chat with its scenario position and transcript, for
// a failed run.
func (c *cluster) dumpChats() {
	chats, err := c.st.Chats(c.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, Limit: 1000})
	if err != nil {
		c.t.Logf("dump: %v", err)
		return
	}
	var b strings.Builder
	for _, ch := range chats {
		fmt.Fprintf(&b, "chat %s customer %s: %s agent %q, scenario %s@%s waiting %q\n", ch.ID, c.psidOf[ch.CustomerID], ch.State,
			c.names[ch.AgentID], ch.Scenario.Name, ch.Scenario.Block, ch.Scenario.Waiting)
		ms, err := c.st.Messages(c.ctx, ch.ID, 0)
		if err != nil {
			c.t.Logf("dump: %v", err)
			return
		}
		for _, m := range ms {
			fmt.Fprintf(&b, "  %d %s %s %s %q %s %s\n", m.Seq, m.Direction, m.Sender, m.Kind, m.Text, m.Status, m.Error)
		}
	}
	c.t.Logf("---- chats ----\n%s", b.String())
}
