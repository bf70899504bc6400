package routing

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// decisionCase is one fixture of testdata/decisions.json.
type decisionCase struct {
	Name     string
	Services []Service
	Agents   []Agent
	Chats    []Chat
	Auto     bool
	Want     []string // "chat>agent" in decision order
}

func TestRouteFixtures(t *testing.T) {
	data, err := os.ReadFile("testdata/decisions.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []decisionCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			x := NewIndex()
			for _, s := range tc.Services {
				s.AutoAccept = tc.Auto
				x.SetService(s)
			}
			for _, a := range tc.Agents {
				x.SetAgent(a)
			}
			for _, c := range tc.Chats {
				x.SetChat(c)
			}
			var got []string
			for _, d := range x.Route(t0.Add(time.Hour), 0) {
				got = append(got, d.ChatID+">"+d.AgentID)
				if d.Reason == "" || len(d.Candidates) == 0 || d.Eligible == 0 {
					t.Errorf("decision %s has no explanation: %+v", d.ChatID, d)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.Want, " ") {
				t.Fatalf("decisions = %v, want %v", got, tc.Want)
			}
		})
	}
}

func ready(id string, capacity int, services ...string) Agent {
	return Agent{ID: id, Name: id, State: parley.StateReady, Present: true, Capacity: capacity, Services: services}
}

func TestOffersRejectAndPlace(t *testing.T) {
	x := NewIndex()
	x.SetService(Service{ID: "s", Name: "Support", OfferTimeout: 30 * time.Second})
	x.SetAgent(ready("a", 1, "s"))
	x.SetChat(Chat{ID: "old", ServiceID: "s", QueuedAt: t0})
	x.SetChat(Chat{ID: "new", ServiceID: "s", QueuedAt: t0.Add(time.Minute)})

	ds := x.Route(t0, 0)
	if len(ds) != 1 || ds[0].ChatID != "old" || ds[0].Auto || !ds[0].ExpiresAt.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("first routing = %+v, want old offered to a for 30s", ds)
	}
	// The offer holds the agent's only slot.
	if ds := x.Route(t0, 0); len(ds) != 0 {
		t.Fatalf("agent with an open offer got %+v", ds)
	}
	if exp := x.Expired(t0.Add(29 * time.Second)); len(exp) != 0 {
		t.Fatalf("expired early: %+v", exp)
	}
	if exp := x.Expired(t0.Add(30 * time.Second)); len(exp) != 1 || exp[0].ID != "old" {
		t.Fatalf("expired = %+v", exp)
	}
	// A second agent arrives; a rejects: old keeps its place ahead of new
	// and goes to b, who has not declined it.
	x.SetAgent(ready("b", 1, "s"))
	x.Decline("old")
	ds = x.Route(t0, 0)
	if len(ds) != 2 || ds[0].ChatID != "old" || ds[0].AgentID != "b" || ds[1].ChatID != "new" || ds[1].AgentID != "a" {
		t.Fatalf("after reject = %+v", ds)
	}
	if !x.Accept("old") || x.Accept("old") {
		t.Fatal("accept must work once")
	}
	if a, _ := x.Agent("b"); a.Load != 1 || a.Offers != 0 {
		t.Fatalf("b after accept = %+v", a)
	}
}

func TestDeclinedByAllIsReoffered(t *testing.T) {
	x := NewIndex()
	x.SetService(Service{ID: "s", Name: "Support"})
	x.SetAgent(ready("a", 1, "s"))
	x.SetChat(Chat{ID: "c", ServiceID: "s", QueuedAt: t0})
	x.Route(t0, 0)
	x.Decline("c")
	ds := x.Route(t0, 0)
	if len(ds) != 1 || ds[0].AgentID != "a" {
		t.Fatalf("only agent declined; want re-offer to a, got %+v", ds)
	}
	if !strings.Contains(ds[0].Reason, "declined") {
		t.Errorf("reason %q does not mention the decline", ds[0].Reason)
	}
}

// TestReasonNamesDeclinesOnlyWhenSomeonePassed: the routing reason speaks
// of declines only when a ready agent who declined was passed over.
func TestReasonNamesDeclinesOnlyWhenSomeonePassed(t *testing.T) {
	x := NewIndex()
	x.SetService(Service{ID: "s", Name: "Support"})
	x.SetAgent(ready("a", 1, "s"))
	x.SetChat(Chat{ID: "c", ServiceID: "s", QueuedAt: t0})
	x.Route(t0, 0)
	x.Decline("c")
	// a, who declined, leaves; b arrives: nobody who declined is passed over.
	away := ready("a", 1, "s")
	away.State = parley.StateNotReady
	x.SetAgent(away)
	x.SetAgent(ready("b", 1, "s"))
	ds := x.Route(t0, 0)
	if len(ds) != 1 || ds[0].AgentID != "b" {
		t.Fatalf("route = %+v, want c to b", ds)
	}
	if strings.Contains(ds[0].Reason, "declined") {
		t.Errorf("reason %q speaks of declines, but no ready agent declined", ds[0].Reason)
	}

	// With a back and ahead of b, a decline by a is named.
	y := NewIndex()
	y.SetService(Service{ID: "s", Name: "Support"})
	y.SetAgent(Agent{ID: "a", Name: "a", State: parley.StateReady, Present: true, Capacity: 1, Services: []string{"s"}, IdleSince: t0.Add(-time.Hour)})
	y.SetChat(Chat{ID: "c", ServiceID: "s", QueuedAt: t0})
	y.Route(t0, 0)
	y.Decline("c")
	y.SetAgent(Agent{ID: "b", Name: "b", State: parley.StateReady, Present: true, Capacity: 1, Services: []string{"s"}, IdleSince: t0})
	ds = y.Route(t0, 0)
	if len(ds) != 1 || ds[0].AgentID != "b" || !strings.Contains(ds[0].Reason, "1 agent who declined it was passed over") {
		t.Fatalf("route = %+v, want c to b, naming a's decline", ds)
	}
}

func TestRerouteOnStateChange(t *testing.T) {
	x := NewIndex()
	x.SetService(Service{ID: "s", Name: "Support", AutoAccept: true})
	a := ready("a", 2, "s")
	a.State = parley.StateNotReady
	x.SetAgent(a)
	x.SetChat(Chat{ID: "c", ServiceID: "s", QueuedAt: t0})
	if ds := x.Route(t0, 0); len(ds) != 0 {
		t.Fatalf("not ready agent got %+v", ds)
	}
	a.State = parley.StateReady
	x.SetAgent(a)
	if ds := x.Route(t0, 0); len(ds) != 1 {
		t.Fatalf("ready agent got nothing")
	}
	if x.Waiting("s") != 0 {
		t.Fatal("assigned chat still waiting")
	}
	// A service's settings change keeps its queue.
	x.SetChat(Chat{ID: "d", ServiceID: "s", QueuedAt: t0})
	x.SetService(Service{ID: "s", Name: "Support", Strategy: parley.StrategyLeastBusy})
	if x.Waiting("s") != 1 {
		t.Fatal("queue lost on SetService")
	}
	x.RemoveService("s")
	if _, ok := x.Chat("d"); ok {
		t.Fatal("chat of removed service kept")
	}
	if len(x.heads) != 0 {
		t.Fatal("class of removed service still listed for Next")
	}
}

// TestChatBeforeItsService: a chat set while its service is unknown (a
// service created a moment before its first chat, read by the leader
// later) is routed once the service is set, not lost.
func TestChatBeforeItsService(t *testing.T) {
	x := NewIndex()
	x.SetAgent(ready("a", 2, "new"))
	x.SetChat(Chat{ID: "c", ServiceID: "new", QueuedAt: t0})
	if ds := x.Route(t0, 0); len(ds) != 0 {
		t.Fatalf("routed to a service the index does not know: %+v", ds)
	}
	x.SetService(Service{ID: "new", Name: "Orders", AutoAccept: true})
	if x.Waiting("new") != 1 {
		t.Fatalf("waiting in the new service = %d, want the chat set before it", x.Waiting("new"))
	}
	if ds := x.Route(t0, 0); len(ds) != 1 || ds[0].ChatID != "c" || ds[0].AgentID != "a" {
		t.Fatalf("decisions = %+v, want c to a", ds)
	}
}

func TestTreap(t *testing.T) {
	tr := newTreap(func(a, b int) bool { return a < b })
	for _, v := range []int{5, 1, 9, 3, 7} {
		tr.Insert(v)
	}
	if !tr.Delete(3) || tr.Delete(3) {
		t.Fatal("delete")
	}
	var got []int
	tr.Ascend(func(v int) bool { got = append(got, v); return true })
	if m, _ := tr.Min(); m != 1 || len(got) != 4 || got[3] != 9 || tr.Len() != 4 {
		t.Fatalf("treap = %v", got)
	}
}

func TestParseSkills(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]int
		err  bool
	}{
		{"", nil, false},
		{"spanish", map[string]int{"spanish": 0}, false},
		{" spanish , billing:50,", map[string]int{"spanish": 0, "billing": 50}, false},
		{"billing:20,billing:60", map[string]int{"billing": 60}, false},
		{"billing:x", nil, true},
		{"billing:101", nil, true},
		{":5", nil, true},
	} {
		got, err := ParseSkills(tc.in)
		if (err != nil) != tc.err || !mapsEqual(got, tc.want) {
			t.Errorf("ParseSkills(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestChatSkillClassesGoAway: a requirement class lives only while a chat
// needs it, so agents are not ranked in classes of chats long gone.
func TestChatSkillClassesGoAway(t *testing.T) {
	x := NewIndex()
	x.SetService(Service{ID: "s", Name: "Support"})
	x.SetAgent(Agent{ID: "b", Name: "b", State: parley.StateReady, Present: true, Capacity: 1, Services: []string{"s"}, Skills: map[string]int{"spanish": 80}})
	x.SetChat(Chat{ID: "es", ServiceID: "s", QueuedAt: t0, Skills: map[string]int{"spanish": 0}})
	if n := len(x.services["s"].classes); n != 2 {
		t.Fatalf("%d classes, want base and spanish", n)
	}
	if x.Waiting("s") != 1 {
		t.Fatalf("waiting = %d", x.Waiting("s"))
	}
	x.RemoveChat("es")
	if n := len(x.services["s"].classes); n != 1 || len(x.agents["b"].seats) != 1 {
		t.Fatalf("after the last chat: %d classes, agent seated in %d; want 1 and 1", n, len(x.agents["b"].seats))
	}
	// Replacing the service keeps a waiting chat's class.
	x.SetChat(Chat{ID: "es", ServiceID: "s", QueuedAt: t0, Skills: map[string]int{"spanish": 0}})
	x.SetService(Service{ID: "s", Name: "Support 2"})
	ds := x.Route(t0, 0)
	if len(ds) != 1 || ds[0].AgentID != "b" || !strings.Contains(ds[0].Reason, "requires spanish") {
		t.Fatalf("decisions %+v", ds)
	}
}
