package conversation

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestRoutingPropertyOnDatabase plays random agent and customer actions
// against the real store and the leader's passes, run by hand after every
// action, and checks after each pass:
//   - no agent holds more chats and offers than her capacity;
//   - nobody Ready with room is left idle while a chat waits (liveness:
//     the index never keeps a phantom chat or offer);
//   - the chats served in a pass were the best in line (priority, then
//     place), never overtaken by a worse one;
//   - the index sees every agent as the database does.
//
// routing/property_test.go checks the index alone; this one checks that
// the leader keeps it in step with the database.
func TestRoutingPropertyOnDatabase(t *testing.T) {
	steps := 250
	if n, err := strconv.Atoi(os.Getenv("PARLEY_PROPERTY_STEPS")); err == nil && n > 0 {
		steps = n
	}
	cases := []struct {
		name    string
		seed    uint64
		routing parley.ServiceRouting
	}{
		{"offers", 1, parley.ServiceRouting{OfferTimeout: 30 * time.Second}},
		{"auto-accept", 2, parley.ServiceRouting{AutoAccept: true}},
		{"offers, least busy", 3, parley.ServiceRouting{Strategy: parley.StrategyLeastBusy, OfferTimeout: 30 * time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
				p := newPropertyRun(t, st, tc.routing, tc.seed)
				for i := range steps {
					what := p.step()
					p.pass(fmt.Sprintf("step %d (%s)", i, what))
				}
			})
		})
	}
}

type propertyRun struct {
	*rig
	s     *Service
	tr    *tenantRouter
	rnd   *rand.Rand
	names []string
	caps  map[string]int
}

func newPropertyRun(t *testing.T, st *sqlstore.Store, rs parley.ServiceRouting, seed uint64) *propertyRun {
	caps := map[string]int{"ana": 1, "ben": 2, "cai": 3, "dee": 1}
	r := newRig(t, st, rs, caps)
	s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
	tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
	must(t, err)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range caps {
			if !yield(n) {
				return
			}
		}
	})
	return &propertyRun{rig: r, s: s, tr: tr, rnd: rand.New(rand.NewPCG(seed, seed*7919)), names: names, caps: caps}
}

func (p *propertyRun) agent() *parley.User { return p.agents[p.names[p.rnd.IntN(len(p.names))]] }

// pick returns a random chat of the tenant in one of the states, or nil.
func (p *propertyRun) pick(states ...string) *parley.Chat {
	cs, err := p.st.Chats(p.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, States: states})
	must(p.t, err)
	if len(cs) == 0 {
		return nil
	}
	return cs[p.rnd.IntN(len(cs))]
}

func (p *propertyRun) offer() *parley.Offer {
	os, err := p.st.Offers(p.ctx, parley.DefaultTenant)
	must(p.t, err)
	if len(os) == 0 {
		return nil
	}
	return os[p.rnd.IntN(len(os))]
}

// step does one random action and says what it was. Refusals (a conflict,
// an invalid request) are part of the game.
func (p *propertyRun) step() string {
	ctx, s := p.ctx, p.s
	var what string
	var err error
	switch n := p.rnd.IntN(100); {
	case n < 22:
		what = "a chat arrives"
		p.arriveOn(s, p.rnd.IntN(3))
	case n < 34:
		a := p.agent()
		what = a.Username + " goes Ready"
		_, err = s.SetAgentStatus(ctx, a, parley.StateReady, "")
	case n < 40:
		a := p.agent()
		what = a.Username + " takes a break"
		_, err = s.SetAgentStatus(ctx, a, parley.StateNotReady, "Break")
	case n < 44:
		a := p.agent()
		what = a.Username + " signs off"
		err = s.SignOff(ctx, a)
	case n < 54:
		if o := p.offer(); o != nil {
			what = "accept an offer"
			_, err = s.AcceptOffer(ctx, p.byID(o.AgentID), o.ChatID)
		}
	case n < 62:
		if o := p.offer(); o != nil {
			what = "reject an offer"
			err = s.RejectOffer(ctx, p.byID(o.AgentID), o.ChatID)
		}
	case n < 74:
		if c := p.pick(parley.ChatAssigned); c != nil {
			what = "close a chat"
			err = s.CloseByAgent(ctx, p.byID(c.AgentID), c.ID)
			if err == nil {
				err = p.st.CloseChat(ctx, c.ID, p.clock.Now()) // its scenario would end it
			}
		}
	case n < 80:
		if c := p.pick(parley.ChatAssigned); c != nil {
			what = "transfer to the service"
			err = s.Transfer(ctx, p.byID(c.AgentID), c.ID, TransferRequest{ServiceID: p.service.ID})
		}
	case n < 85:
		if c := p.pick(parley.ChatAssigned); c != nil {
			to := p.agent()
			what = "transfer to " + to.Username
			err = s.Transfer(ctx, p.byID(c.AgentID), c.ID, TransferRequest{AgentID: to.ID})
		}
	case n < 90:
		if c := p.pick(parley.ChatAssigned); c != nil {
			to := p.agent()
			what = "invite " + to.Username
			err = s.Invite(ctx, p.byID(c.AgentID), c.ID, to.ID)
		}
	case n < 93:
		if c := p.pick(parley.ChatQueued); c != nil {
			what = "the customer leaves the queue"
			err = p.st.AbandonChat(ctx, c.ID, p.clock.Now())
			if err == nil {
				err = s.emitChat(ctx, parley.EventChatUpdated, c)
			}
		}
	default:
		d := time.Duration(1+p.rnd.IntN(40)) * time.Second
		what = "time passes: " + d.String()
		p.clock.Advance(d)
	}
	switch parley.ErrorCode(err) {
	case "", parley.ECONFLICT, parley.EINVALID, parley.ENOTFOUND, parley.EFORBIDDEN:
	default:
		p.t.Fatalf("%s: %v", what, err)
	}
	if what == "" {
		what = "nothing to do"
	}
	return what
}

func (p *propertyRun) byID(id string) *parley.User {
	for _, u := range p.agents {
		if u.ID == id {
			return u
		}
	}
	p.t.Fatalf("no agent %q", id)
	return nil
}

// waitingChat is a queued chat with no offer and no transfer target.
type waitingChat struct {
	id     string
	prio   int
	queued time.Time
}

func (p *propertyRun) waiting() map[string]waitingChat {
	cs, err := p.st.Chats(p.ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, States: []string{parley.ChatQueued}})
	must(p.t, err)
	offers, err := p.st.Offers(p.ctx, parley.DefaultTenant)
	must(p.t, err)
	offered := map[string]bool{}
	for _, o := range offers {
		offered[o.ChatID] = true
	}
	out := map[string]waitingChat{}
	for _, c := range cs {
		cr, err := p.st.ChatRouting(p.ctx, c.ID)
		must(p.t, err)
		if !offered[c.ID] && cr.TargetAgent == "" {
			out[c.ID] = waitingChat{c.ID, c.Priority, c.QueuedAt}
		}
	}
	return out
}

// pass runs one leader pass and checks the invariants.
func (p *propertyRun) pass(after string) {
	t := p.t
	t.Helper()
	before := p.waiting()
	must(t, p.s.routeOnce(p.ctx, p.tr))
	now := p.waiting()

	ars, err := p.st.AgentRoutings(p.ctx, parley.DefaultTenant)
	must(t, err)
	users, err := p.st.Users(p.ctx, parley.DefaultTenant)
	must(t, err)
	room := false
	for _, u := range users {
		ar := ars[u.ID]
		load, offers := 0, 0
		if ar != nil {
			load, offers = ar.Load, ar.Offers
		}
		if load+offers > p.caps[u.Username] {
			t.Fatalf("after %s: %s holds %d chats and %d offers, capacity %d", after, u.Username, load, offers, p.caps[u.Username])
		}
		if u.State == parley.StateReady && load+offers < p.caps[u.Username] {
			room = true
		}
		want := p.s.indexAgent(u, ar, p.clock.Now())
		got, ok := p.tr.x.Agent(u.ID)
		if !ok || !sameAgent(got, want) {
			t.Fatalf("after %s: the index sees %s as %+v, the database as %+v", after, u.Username, got, want)
		}
	}
	if room && len(now) > 0 {
		t.Fatalf("after %s: an agent has room and is Ready while %d chat(s) wait", after, len(now))
	}
	for id, served := range before {
		if _, still := now[id]; still {
			continue
		}
		for _, w := range now {
			if w.prio > served.prio || (w.prio == served.prio && w.queued.Before(served.queued)) {
				t.Fatalf("after %s: chat %s (priority %d, queued %v) was served before %s (priority %d, queued %v)",
					after, id, served.prio, served.queued, w.id, w.prio, w.queued)
			}
		}
	}
}
