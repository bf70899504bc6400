package conversation

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/parleycc/parley"
)

// fullAgentRead is how often the routing leader re-reads every agent
// even though it follows the change log: a safety net, and the moment
// the log is pruned.
const fullAgentRead = 30 * time.Second

// agentChangeReader reads only the agents whose routing rows changed
// (sqlstore.Store implements it, from a log its triggers write). Without
// it the leader reads every agent on every pass.
type agentChangeReader interface {
	AgentChangeMark(ctx context.Context) (int64, error)
	ChangedAgents(ctx context.Context, tenantID string, mark int64) (*parley.AgentChanges, error)
	PruneAgentChanges(ctx context.Context, tenantID string, mark int64) error
}

// agentRoster is the leader's copy of every user and routing record of
// its tenant, kept by readAgents. Only the leader goroutine uses it.
type agentRoster struct {
	users    map[string]*parley.User // by id
	routings map[string]*parley.AgentRouting
	mark     int64     // AgentChangeMark taken before the last read
	fullRead time.Time // wall clock of the last full read; zero: none yet
}

// readAgents brings tr.roster up to date: a full read when the leader has
// none yet (a new leader), every fullAgentRead, or when the store keeps no
// change log; otherwise only the agents changed since the last read. It
// returns the ids read anew, or all after a full read.
func (s *Service) readAgents(ctx context.Context, tr *tenantRouter) (changed []string, all bool, err error) {
	log, ok := s.Store.(agentChangeReader)
	ro := &tr.roster
	if !ok || ro.fullRead.IsZero() || time.Since(ro.fullRead) >= fullAgentRead {
		return nil, true, s.readAllAgents(ctx, tr, log)
	}
	mark, err := log.AgentChangeMark(ctx)
	if err != nil {
		return nil, false, err
	}
	ch, err := log.ChangedAgents(ctx, tr.tenant, ro.mark)
	if err != nil {
		return nil, false, err
	}
	ro.mark = mark
	return ro.apply(ch), false, nil
}

// readAllAgents reads every user and routing record; with a change log it
// then forgets the changes the read took in.
func (s *Service) readAllAgents(ctx context.Context, tr *tenantRouter, log agentChangeReader) error {
	var mark int64
	if log != nil {
		var err error
		if mark, err = log.AgentChangeMark(ctx); err != nil {
			return err
		}
	}
	users, err := s.Store.Users(ctx, tr.tenant)
	if err != nil {
		return err
	}
	ars, err := s.Store.AgentRoutings(ctx, tr.tenant)
	if err != nil {
		return err
	}
	byID := make(map[string]*parley.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	tr.roster = agentRoster{users: byID, routings: ars, mark: mark, fullRead: time.Now()}
	if log != nil {
		if err := log.PruneAgentChanges(ctx, tr.tenant, mark); err != nil && ctx.Err() == nil {
			s.Logger.Warn("prune agent changes", slog.String("tenant", tr.tenant), slog.Any("err", err))
		}
	}
	return nil
}

// apply takes in the changed agents (new rows replace the old ones, users
// that are gone are dropped) and returns their ids.
func (ro *agentRoster) apply(ch *parley.AgentChanges) []string {
	if len(ch.IDs) == 0 && len(ch.Users) == 0 {
		return nil
	}
	if ro.users == nil {
		ro.users = map[string]*parley.User{}
	}
	if ro.routings == nil {
		ro.routings = map[string]*parley.AgentRouting{}
	}
	fresh := map[string]*parley.User{}
	for _, u := range ch.Users {
		fresh[u.ID] = u
		ro.users[u.ID] = u
	}
	// On PostgreSQL the users and routings are read after the ids, so
	// they may hold an agent changed in between: it is changed too.
	listed := make(map[string]bool, len(ch.IDs))
	ids := slices.Clone(ch.IDs)
	for _, id := range ch.IDs {
		listed[id] = true
		if fresh[id] == nil {
			delete(ro.users, id)
			delete(ro.routings, id)
		}
	}
	for id, ar := range ch.Routings {
		ro.routings[id] = ar
		if !listed[id] {
			listed[id] = true
			ids = append(ids, id)
		}
	}
	for id := range fresh {
		if !listed[id] {
			ids = append(ids, id)
		}
	}
	return ids
}
