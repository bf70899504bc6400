package sqlstore

import (
	"context"

	"github.com/parleycc/parley"
)

// Triggers (migration 0008) log in agent_changes every write that changes
// what AgentRoutings or Users return for a user; the routing leader reads
// only the users logged since its last pass.

// AgentChangeMark returns the mark to pass to ChangedAgents after a read
// of agents that starts now: every change committed later is found by it.
func (s *Store) AgentChangeMark(ctx context.Context) (int64, error) {
	var mark int64
	if err := s.r().queryRow(ctx, s.d.agentChangeMark()).Scan(&mark); err != nil {
		return 0, wrap("agent change mark", err)
	}
	return mark, nil
}

// ChangedAgents returns the tenant's users whose routing rows changed at
// or after mark (some changed before it may come too), with their
// routing records.
func (s *Store) ChangedAgents(ctx context.Context, tenantID string, mark int64) (*parley.AgentChanges, error) {
	changed := "SELECT user_id FROM agent_changes WHERE tenant_id = ? AND " + s.d.stampAtLeast()
	rows, err := s.r().query(ctx, "SELECT DISTINCT user_id FROM ("+changed+") c", tenantID, mark)
	if err != nil {
		return nil, wrap("changed agents", err)
	}
	ids, err := collect(rows, scanOne[string])
	if err != nil || len(ids) == 0 {
		return &parley.AgentChanges{IDs: ids}, wrap("changed agents", err)
	}
	ch := &parley.AgentChanges{IDs: ids, Routings: map[string]*parley.AgentRouting{}}
	if ch.Users, err = s.users(ctx, "u.tenant_id = ? AND u.id IN ("+changed+")", tenantID, tenantID, mark); err != nil {
		return nil, wrap("changed agents", err)
	}
	rows, err = s.r().query(ctx, agentRoutingQuery+" WHERE u.tenant_id = ? AND u.id IN ("+changed+")", tenantID, tenantID, mark)
	if err != nil {
		return nil, wrap("changed agents", err)
	}
	ars, err := collect(rows, scanAgentRouting)
	if err != nil {
		return nil, wrap("changed agents", err)
	}
	for _, a := range ars {
		ch.Routings[a.UserID] = a
	}
	return ch, nil
}

// PruneAgentChanges forgets the tenant's changes stamped before mark, once
// a full read of the agents has taken them in.
func (s *Store) PruneAgentChanges(ctx context.Context, tenantID string, mark int64) error {
	_, err := s.r().exec(ctx, "DELETE FROM agent_changes WHERE tenant_id = ? AND "+s.d.stampBefore(), tenantID, mark)
	return wrap("prune agent changes", err)
}
