package conversation

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
)

// Routing runs on one node per tenant, the leader (Store.Leadership: a
// PostgreSQL advisory lock). The leader keeps a routing.Index in step with
// the database: it rebuilds it at start, then follows the event log (every
// change to a chat or an agent is an event, on any node) and re-reads what
// each event names. Presence, offer timeouts, wrap-up and silent customers
// are checked on every tick. Decisions are committed with conditional
// writes (Store.OfferChat), so even two leaders could never over-assign.

// Default routing timings; see Service.PresenceGrace.
const (
	// Long enough that a 30-second network drop or a short laptop sleep
	// does not send an agent's chats back to the queue.
	DefaultPresenceGrace = 90 * time.Second
	presenceTouch        = 10 * time.Second // how often a connected desktop refreshes last_seen
)

// routerState is the node's routing state: the indexes of the tenants it
// leads, shared with the supervisor view.
type routerState struct {
	mu      sync.Mutex
	tenants map[string]*tenantRouter
}

// tenantRouter is the leader's state for one tenant. Only the leader
// goroutine writes it; readers take mu.
type tenantRouter struct {
	mu        sync.Mutex
	tenant    string
	x         *routing.Index
	lastEvent int64
	services  map[string]*parley.Service
	settings  map[string]parley.ServiceRouting
	agents    map[string]routing.Agent // as last read from the database
	acw       map[string]time.Time     // agent → end of wrap-up
	absent    map[string]bool          // agents marked disconnected by this leader
	recheck   map[string]time.Time     // chat → next dropout check
	svcCfg    map[string]routing.Service
	svcLoaded time.Time   // wall clock of the last loadServices
	roster    agentRoster // every user's row as last read (agent_sync.go)
	// syncAgents' bookkeeping: agents to compare at the next pass even
	// if their rows did not change (a decision the database refused),
	// the clock at the last pass, and the first moment an agent now
	// present may no longer be.
	resync      map[string]bool
	synced      time.Time
	passes      atomic.Int64 // routeOnce runs, for tests
	presenceDue time.Time
}

// serviceReload is how often the leader re-reads services and their
// settings (a configuration reload on any node).
const serviceReload = 5 * time.Second

func (s *Service) presenceGrace() time.Duration {
	if s.PresenceGrace > 0 {
		return s.PresenceGrace
	}
	return DefaultPresenceGrace
}

// routeLoop runs the leader election of every tenant: those the node was
// configured with and every tenant in the store, including one created
// while it runs (looked for every serviceReload).
func (s *Service) routeLoop(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	leading := map[string]bool{}
	tick := time.NewTicker(serviceReload)
	defer tick.Stop()
	for {
		tenants, err := s.allTenants(ctx)
		if err != nil && ctx.Err() == nil {
			s.Logger.Warn("list tenants", slog.Any("err", err))
		}
		for _, t := range tenants {
			if leading[t] {
				continue
			}
			leading[t] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.leadTenant(ctx, t)
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// allTenants is s.Tenants and every tenant in the store, without repeats;
// on a store error, s.Tenants.
func (s *Service) allTenants(ctx context.Context) ([]string, error) {
	out := slices.Clone(s.Tenants)
	ts, err := s.Store.Tenants(ctx)
	for _, t := range ts {
		if !slices.Contains(out, t.ID) {
			out = append(out, t.ID)
		}
	}
	return out, err
}

// leadTenant tries to become the tenant's routing leader until ctx ends;
// while leader it routes.
func (s *Service) leadTenant(ctx context.Context, tenant string) {
	for ctx.Err() == nil {
		ok, lost, release, err := s.Store.Leadership(ctx, "routing:"+tenant)
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("routing leadership", slog.String("tenant", tenant), slog.Any("err", err))
		}
		if ok {
			s.Logger.Info("routing leader", slog.String("tenant", tenant))
			if err := s.lead(ctx, tenant, lost); err != nil && ctx.Err() == nil {
				s.Logger.Error("routing leader stopped", slog.String("tenant", tenant), slog.Any("err", err))
			}
			s.routing.mu.Lock()
			delete(s.routing.tenants, tenant)
			s.routing.mu.Unlock()
			release()
		}
		select {
		case <-ctx.Done():
		case <-time.After(s.PollInterval):
		}
	}
}

// lead routes the tenant until ctx ends or leadership is lost.
func (s *Service) lead(ctx context.Context, tenant string, lost <-chan struct{}) error {
	notify, cancel := s.Bus.Subscribe(tenant)
	defer cancel()
	tr, err := s.rebuild(ctx, tenant)
	if err != nil {
		return err
	}
	s.routing.mu.Lock()
	if s.routing.tenants == nil {
		s.routing.tenants = map[string]*tenantRouter{}
	}
	s.routing.tenants[tenant] = tr
	s.routing.mu.Unlock()
	tick := time.NewTicker(min(s.PollInterval, time.Second))
	defer tick.Stop()
	for {
		began := time.Now()
		if err := s.routeOnce(ctx, tr); err != nil && ctx.Err() == nil {
			s.Logger.Error("routing", slog.String("tenant", tenant), slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-lost:
			return nil
		case <-notify:
		case <-s.routeWake:
		case <-tick.C:
		}
		if !s.passGap(ctx, lost, began) {
			return nil
		}
	}
}

// routePassGap is the least time between the starts of two routing
// passes. Every event of the tenant wakes the leader, and under load
// (each message is an event) it ran a pass for each: some 1,800 a
// second at 600 messages a second, each reading the agents' changes and
// the event log, for passes that found nothing to do. Wakes that come
// sooner are taken together by the next pass.
const routePassGap = 5 * time.Millisecond

// passGap waits until routePassGap has passed since began; false when
// ctx ends or leadership is lost meanwhile.
func (s *Service) passGap(ctx context.Context, lost <-chan struct{}, began time.Time) bool {
	wait := routePassGap - time.Since(began)
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-lost:
		return false
	case <-t.C:
		return true
	}
}

// routeOnce follows the event log, runs the periodic checks and routes.
//
// Agents are read before the event log: every chat written before an
// agent's change is then known when that agent is routed to, so a newer
// chat never overtakes an older one that the index has not seen yet. (The
// other way round only makes an agent look busier until the next pass.)
func (s *Service) routeOnce(ctx context.Context, tr *tenantRouter) error {
	tr.passes.Add(1)
	if time.Since(tr.svcLoaded) >= serviceReload {
		if err := s.loadServices(ctx, tr); err != nil {
			return err
		}
	}
	if err := s.syncAgents(ctx, tr); err != nil {
		return err
	}
	if err := s.catchUp(ctx, tr); err != nil {
		return err
	}
	if err := s.sweep(ctx, tr); err != nil {
		return err
	}
	return s.routePass(ctx, tr)
}

// rebuild loads the tenant's routing state from the database.
func (s *Service) rebuild(ctx context.Context, tenant string) (*tenantRouter, error) {
	last, err := s.Store.LastEventID(ctx, tenant)
	if err != nil {
		return nil, err
	}
	tr := &tenantRouter{tenant: tenant, x: routing.NewIndex(), lastEvent: last, agents: map[string]routing.Agent{},
		acw: map[string]time.Time{}, absent: map[string]bool{}, recheck: map[string]time.Time{}, resync: map[string]bool{}}
	if err := s.loadServices(ctx, tr); err != nil {
		return nil, err
	}
	if err := s.syncAgents(ctx, tr); err != nil {
		return nil, err
	}
	queue, err := s.Store.Queue(ctx, tenant)
	if err != nil {
		return nil, err
	}
	crs, err := s.Store.ChatRoutings(ctx, tenant)
	if err != nil {
		return nil, err
	}
	offers, err := s.Store.Offers(ctx, tenant)
	if err != nil {
		return nil, err
	}
	byChat := map[string]*parley.Offer{}
	for _, o := range offers {
		byChat[o.ChatID] = o
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, c := range queue {
		tr.x.SetChat(indexChat(c, crs[c.ID], byChat[c.ID]))
	}
	s.Logger.Info("routing index rebuilt", slog.String("tenant", tenant), slog.Int("queued", len(queue)),
		slog.Int("offers", len(offers)), slog.Int("agents", len(tr.agents)))
	return tr, nil
}

func indexChat(c *parley.Chat, cr *parley.ChatRouting, o *parley.Offer) routing.Chat {
	ic := routing.Chat{ID: c.ID, ServiceID: c.ServiceID, Priority: c.Priority, QueuedAt: c.QueuedAt}
	// Find Agent's required skills (scenario.Validate checked their form;
	// a malformed value edited in by hand is ignored rather than leaving
	// the chat waiting for a skill nobody can have).
	if req, err := routing.ParseSkills(c.Scenario.Vars["required_skills"]); err == nil {
		ic.Skills = req
	}
	if cr != nil {
		ic.Target, ic.Declined = cr.TargetAgent, cr.Declined
		if slices.Contains(cr.Declined, cr.TargetAgent) { // the target declined: the service's line
			ic.Target = ""
		}
	}
	if o != nil {
		ic.OfferedTo, ic.ExpiresAt = o.AgentID, o.ExpiresAt
	}
	return ic
}

// loadServices (re)reads the tenant's services and their settings.
func (s *Service) loadServices(ctx context.Context, tr *tenantRouter) error {
	svcs, err := s.Store.Services(ctx, tr.tenant)
	if err != nil {
		return err
	}
	settings, err := s.Store.ServiceRoutings(ctx, tr.tenant)
	if err != nil {
		return err
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	old := tr.services
	tr.services, tr.settings, tr.svcLoaded = map[string]*parley.Service{}, settings, time.Now()
	if tr.svcCfg == nil {
		tr.svcCfg = map[string]routing.Service{}
	}
	for _, sv := range svcs {
		tr.services[sv.ID] = sv
		rs := effectiveRouting(settings, sv.ID)
		cfg := routing.Service{ID: sv.ID, Name: sv.Name, Strategy: rs.Strategy, Skills: rs.Skills,
			MaxPerAgent: sv.MaxChatsPerAgent, AutoAccept: rs.AutoAccept, OfferTimeout: rs.OfferTimeout}
		if old, ok := tr.svcCfg[sv.ID]; ok && sameService(old, cfg) {
			continue
		}
		tr.svcCfg[sv.ID] = cfg
		tr.x.SetService(cfg)
	}
	for id := range old {
		if tr.services[id] == nil {
			tr.x.RemoveService(id)
			delete(tr.svcCfg, id)
		}
	}
	return nil
}

func sameService(a, b routing.Service) bool {
	return a.Name == b.Name && a.Strategy == b.Strategy && a.MaxPerAgent == b.MaxPerAgent && a.AutoAccept == b.AutoAccept &&
		a.OfferTimeout == b.OfferTimeout && maps.Equal(a.Skills, b.Skills)
}

// syncAgents reads the agents whose rows changed since the last pass
// (state, load, skills, presence; every few seconds all of them, see
// readAgents) and updates those the index sees differently. It is how
// presence, which writes no event, reaches the index.
//
// A pass looks only at the agents read anew and those marked for resync;
// it looks at every agent after a full read and when an agent's presence
// may have lapsed (presenceDue), the one change that no row announces.
func (s *Service) syncAgents(ctx context.Context, tr *tenantRouter) error {
	changed, all, err := s.readAgents(ctx, tr)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if all || !now.Before(tr.presenceDue) || now.Before(tr.synced) {
		tr.presenceDue = now.Add(s.presenceGrace())
		for id := range tr.agents {
			if tr.roster.users[id] == nil {
				s.syncAgent(tr, id, now)
			}
		}
		for id := range tr.roster.users {
			s.syncAgent(tr, id, now)
		}
	} else {
		for _, id := range changed {
			s.syncAgent(tr, id, now)
		}
		for id := range tr.resync {
			s.syncAgent(tr, id, now)
		}
	}
	clear(tr.resync)
	tr.synced = now
	return nil
}

// syncAgent brings the index's view of one agent in line with the rows
// last read, and moves presenceDue to when the agent's presence lapses.
func (s *Service) syncAgent(tr *tenantRouter, id string, now time.Time) {
	u := tr.roster.users[id]
	if u == nil {
		tr.x.RemoveAgent(id)
		delete(tr.agents, id)
		return
	}
	ar := tr.roster.routings[id]
	a := s.indexAgent(u, ar, now)
	tr.agents[id] = a
	// Compared with the index's own view, not the last row read: the
	// index applies its decisions at once, so a row that went back to an
	// earlier value (a chat assigned and transferred away between two
	// syncs) must still reach it.
	if cur, ok := tr.x.Agent(id); !ok || !sameAgent(cur, a) {
		tr.x.SetAgent(a)
	}
	if ar != nil {
		tr.acw[id] = ar.ACWUntil
		if a.Present {
			if lapse := ar.LastSeen.Add(s.presenceGrace()); lapse.Before(tr.presenceDue) {
				tr.presenceDue = lapse
			}
		}
	}
}

func (s *Service) indexAgent(u *parley.User, ar *parley.AgentRouting, now time.Time) routing.Agent {
	a := routing.Agent{ID: u.ID, Name: u.DisplayName, State: u.State, Capacity: u.Capacity, IdleSince: u.IdleSince,
		Services: u.ServiceIDs}
	if a.Name == "" {
		a.Name = u.Username
	}
	if ar != nil {
		a.Load, a.Offers, a.Skills = ar.Load, ar.Offers, ar.Skills
		a.Present = !ar.LastSeen.IsZero() && now.Sub(ar.LastSeen) <= s.presenceGrace()
	}
	return a
}

func sameAgent(a, b routing.Agent) bool {
	return a.ID == b.ID && a.Name == b.Name && a.State == b.State && a.Present == b.Present && a.Capacity == b.Capacity &&
		a.Load == b.Load && a.Offers == b.Offers && a.IdleSince.Equal(b.IdleSince) &&
		slices.Equal(a.Services, b.Services) && maps.Equal(a.Skills, b.Skills)
}

// catchUp re-reads the chats named by the events written since the last
// pass, on any node. Agents are re-read by syncAgents.
func (s *Service) catchUp(ctx context.Context, tr *tenantRouter) error {
	chats := map[string]bool{}
	for {
		evs, err := s.Store.EventsAfter(ctx, tr.tenant, tr.lastEvent, 500)
		if err != nil {
			return err
		}
		for _, e := range evs {
			tr.lastEvent = e.ID
			if e.Type == parley.EventMessage {
				continue
			}
			if e.ChatID != "" {
				chats[e.ChatID] = true
			}
		}
		if len(evs) < 500 {
			break
		}
	}
	for _, id := range slices.Sorted(maps.Keys(chats)) {
		if err := s.refreshChat(ctx, tr, id); err != nil {
			return err
		}
	}
	return nil
}

// refreshChat re-reads one chat into the index. An offer left on a chat
// that is no longer queued (its scenario took it back) is withdrawn.
func (s *Service) refreshChat(ctx context.Context, tr *tenantRouter, id string) error {
	c, err := s.Store.Chat(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		tr.lock(func() { tr.x.RemoveChat(id) })
		return nil
	} else if err != nil {
		return err
	}
	if c.TenantID != tr.tenant {
		return nil
	}
	offer, err := s.chatOffer(ctx, c)
	if err != nil {
		return err
	}
	if c.State != parley.ChatQueued {
		if offer != nil {
			if err := s.Store.EndOffer(ctx, id, offer.AgentID, false); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
				return err
			}
			_ = s.emitOfferEnded(ctx, c, offer.AgentID, "withdrawn")
		}
		tr.lock(func() { tr.x.RemoveChat(id) })
		return nil
	}
	cr, err := s.Store.ChatRouting(ctx, id)
	if err != nil {
		return err
	}
	if c.ServiceID != "" && tr.services[c.ServiceID] == nil {
		// A service created since the last read: read them now rather
		// than leave its first chats waiting for the next reload.
		if err := s.loadServices(ctx, tr); err != nil {
			return err
		}
	}
	tr.lock(func() { tr.x.SetChat(indexChat(c, cr, offer)) })
	return nil
}

func (s *Service) chatOffer(ctx context.Context, c *parley.Chat) (*parley.Offer, error) {
	offers, err := s.Store.Offers(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	for _, o := range offers {
		if o.ChatID == c.ID {
			return o, nil
		}
	}
	return nil, nil
}

func (tr *tenantRouter) lock(fn func()) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	fn()
}

// routePass makes the index's decisions and commits them a batch at a
// time (commitBatch). A decision the database refuses (another node or a
// user changed the chat or the agent) is dropped and both are re-read.
func (s *Service) routePass(ctx context.Context, tr *tenantRouter) error {
	for {
		var ds []routing.Decision
		tr.lock(func() { ds = tr.x.Route(s.Clock.Now(), routeBatch) })
		if len(ds) == 0 {
			return nil
		}
		failed := s.commitBatch(ctx, tr, ds)
		for _, d := range ds {
			err, ok := failed[d.ChatID]
			if !ok {
				continue
			}
			if parley.ErrorCode(err) != parley.ECONFLICT {
				s.Logger.Error("routing decision", slog.String("chat", d.ChatID), slog.Any("err", err))
			}
			if err := s.refreshChat(ctx, tr, d.ChatID); err != nil {
				return err
			}
			tr.lock(func() { tr.resync[d.AgentID] = true })
			if err := s.syncAgents(ctx, tr); err != nil {
				return err
			}
		}
	}
}

// commit writes one decision: an offer, or an assignment when the service
// auto-accepts.
func (s *Service) commit(ctx context.Context, tr *tenantRouter, d routing.Decision) error {
	why, err := json.Marshal(d)
	if err != nil {
		return err
	}
	unlock, err := s.lockChat(ctx, d.ChatID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.Store.OfferChat(ctx, offerOf(tr.tenant, d, why), d.Capacity, d.Auto); err != nil {
		return err
	}
	s.decided(d)
	chat, err := s.Store.Chat(ctx, d.ChatID)
	if err != nil {
		return err
	}
	v, err := s.ViewChat(ctx, chat)
	if err != nil {
		return err
	}
	if err := s.emit(ctx, decisionEvent(d, chat, v, why)); err != nil {
		return err
	}
	if d.Auto {
		return s.signal(ctx, d.ChatID, scenarioAgentFound())
	}
	return nil
}

// OfferView is an offer as the desktop shows it.
type OfferView struct {
	Chat      *ChatView       `json:"chat"`
	AgentID   string          `json:"agent_id"`
	ExpiresAt *time.Time      `json:"expires_at,omitempty"`
	Reason    string          `json:"reason"`
	Decision  json.RawMessage `json:"decision,omitempty"`
	Note      string          `json:"note,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// connected tells everyone the chat is with its agent and lets the
// scenario go on.
func (s *Service) connected(ctx context.Context, chat *parley.Chat) error {
	if err := s.emitChat(ctx, parley.EventChatAssigned, chat); err != nil {
		return err
	}
	return s.signal(ctx, chat.ID, scenarioAgentFound())
}

// emitOfferEnded tells the agent their offer is gone (how: accepted,
// rejected, timeout, withdrawn).
func (s *Service) emitOfferEnded(ctx context.Context, c *parley.Chat, agentID, how string) error {
	return s.emit(ctx, &parley.Event{TenantID: c.TenantID, Type: parley.EventOfferEnded, ChatID: c.ID, AgentID: agentID,
		Data: mustJSON(map[string]string{"chat_id": c.ID, "agent_id": agentID, "how": how})})
}

// effectiveRouting is a service's routing settings; a service never given
// any routes like the foundation did: straight to the agent, no offer.
func effectiveRouting(settings map[string]parley.ServiceRouting, id string) parley.ServiceRouting {
	rs, ok := settings[id]
	if !ok {
		rs.AutoAccept = true
	}
	return rs
}
