package sqlstore

import (
	"context"
	"database/sql"

	"github.com/parleycc/parley"
)

// offerBatch makes offers in the transaction r with a few statements for
// the whole batch instead of a few per offer: it locks the chats, then
// the agents (each in id order, as OfferChat locks a chat before its
// agent), counts after the locks what they hold, decides every offer in
// order on OfferChat's conditions (an agent's earlier offers in the batch
// count against her capacity), and writes the ones that hold. errs[i] is
// offer i's refusal (ECONFLICT); facts are those to record.
func (s *Store) offerBatch(ctx context.Context, r runner, offers []parley.OfferRequest) (facts []parley.Fact, errs []error, err error) {
	errs = make([]error, len(offers))
	var chatIDs, agentIDs []string
	for _, o := range offers {
		o.Offer.OfferedAt, o.Offer.ExpiresAt = normTime(o.Offer.OfferedAt), normTime(o.Offer.ExpiresAt)
		chatIDs = append(chatIDs, o.Offer.ChatID)
		agentIDs = append(agentIDs, o.Offer.AgentID)
	}
	chats, err := lockOfferChats(ctx, r, s.d, chatIDs)
	if err != nil {
		return nil, nil, err
	}
	// Read by statements of their own after the locks: on PostgreSQL they
	// then see what a transaction that held a row committed meanwhile.
	offered, err := stringSet(ctx, r, "SELECT chat_id FROM chat_offers WHERE chat_id IN "+inList(chatIDs), anySlice(chatIDs)...)
	if err != nil {
		return nil, nil, err
	}
	states, err := lockOfferAgents(ctx, r, s.d, agentIDs)
	if err != nil {
		return nil, nil, err
	}
	used, err := agentLoads(ctx, r, agentIDs)
	if err != nil {
		return nil, nil, err
	}

	var ok []parley.OfferRequest
	var tenants []string // each ok offer's chat's tenant
	for i, req := range offers {
		o := req.Offer
		c, found := chats[o.ChatID]
		agentState, agentFound := states[o.AgentID]
		switch {
		case !found:
			return nil, nil, parley.Errorf(parley.ENOTFOUND, "chat %s not found", o.ChatID)
		case !agentFound:
			return nil, nil, parley.Errorf(parley.ENOTFOUND, "user %s not found", o.AgentID)
		case c.state != parley.ChatQueued:
			errs[i] = parley.Errorf(parley.ECONFLICT, "chat %s is %s, not queued", o.ChatID, c.state)
		case offered[o.ChatID]:
			errs[i] = parley.Errorf(parley.ECONFLICT, "chat %s is already offered", o.ChatID)
		case agentState != parley.StateReady:
			errs[i] = parley.Errorf(parley.ECONFLICT, "agent %s is %s, not ready", o.AgentID, agentState)
		case used[o.AgentID] >= req.Capacity:
			errs[i] = parley.Errorf(parley.ECONFLICT, "agent %s is at capacity (%d of %d)", o.AgentID, used[o.AgentID], req.Capacity)
		default:
			used[o.AgentID]++
			offered[o.ChatID] = true
			if req.Accept {
				c.state = parley.ChatAssigned
			}
			ok = append(ok, req)
			base := parley.Fact{ChatID: o.ChatID, TenantID: c.tenant, ServiceID: c.service, AgentID: o.AgentID}
			tenants = append(tenants, c.tenant)
			facts = append(facts, fact(base, parley.FactOffered, o.OfferedAt))
			if req.Accept {
				facts = append(facts, fact(base, parley.FactAccepted, o.OfferedAt))
			}
		}
	}
	if len(ok) == 0 {
		return nil, errs, nil
	}
	return facts, errs, writeOffers(ctx, r, ok, tenants)
}

// offerChat is a chat row as offerBatch reads it.
type offerChat struct{ state, tenant, service string }

func lockOfferChats(ctx context.Context, r runner, d *dialect, ids []string) (map[string]*offerChat, error) {
	rows, err := r.query(ctx, "SELECT id, state, tenant_id, service_id FROM chats WHERE id IN "+inList(ids)+" ORDER BY id"+d.forUpdate(), anySlice(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*offerChat{}
	for rows.Next() {
		var id string
		var c offerChat
		if err := rows.Scan(&id, &c.state, &c.tenant, &c.service); err != nil {
			return nil, err
		}
		out[id] = &c
	}
	return out, rows.Err()
}

func lockOfferAgents(ctx context.Context, r runner, d *dialect, ids []string) (map[string]string, error) {
	return pairs[string](r.query(ctx, "SELECT id, state FROM users WHERE id IN "+inList(ids)+" ORDER BY id"+d.forUpdate(), anySlice(ids)...))
}

// agentLoads counts, as lockAgentLoad does, what each agent holds:
// assigned chats, conferences and offers.
func agentLoads(ctx context.Context, r runner, ids []string) (map[string]int, error) {
	return pairs[int](r.query(ctx, `SELECT u.id,
		(SELECT COUNT(*) FROM chats WHERE agent_id = u.id AND state = `+assignedSQL+`)
		+ (SELECT COUNT(*) FROM chat_participants p JOIN chats c ON c.id = p.chat_id WHERE p.agent_id = u.id AND c.state = `+assignedSQL+`)
		+ (SELECT COUNT(*) FROM chat_offers WHERE agent_id = u.id)
		FROM users u WHERE u.id IN `+inList(ids), anySlice(ids)...))
}

// pairs collects the rows of a two-column query into a map.
func pairs[V any](rows *sql.Rows, err error) (map[string]V, error) {
	if err != nil {
		return nil, err
	}
	type pair struct {
		k string
		v V
	}
	got, err := collect(rows, func(sc interface{ Scan(...any) error }) (pair, error) {
		var p pair
		return p, sc.Scan(&p.k, &p.v)
	})
	out := make(map[string]V, len(got))
	for _, p := range got {
		out[p.k] = p.v
	}
	return out, err
}

var (
	routingDecisions = bulkInsert{table: "chat_routing", cols: []string{"chat_id", "tenant_id", "decision"},
		types: []string{"text", "text", "text"}, tail: "ON CONFLICT (chat_id) DO UPDATE SET decision = excluded.decision"}
	newOffers = bulkInsert{table: "chat_offers",
		cols:  []string{"chat_id", "tenant_id", "agent_id", "service_id", "offered_at", "expires_at", "decision"},
		types: []string{"text", "text", "text", "text", "bigint", "bigint", "text"}}
)

// writeOffers writes offers that hold: each chat's decision, then an offer,
// or with Accept the assignment.
func writeOffers(ctx context.Context, r runner, offers []parley.OfferRequest, tenants []string) error {
	var decisions, pending [][]any
	var assigned []assignment
	for i, req := range offers {
		o := req.Offer
		decisions = append(decisions, []any{o.ChatID, tenants[i], o.Decision})
		if req.Accept {
			assigned = append(assigned, assignment{o.ChatID, o.AgentID, o.OfferedAt})
			continue
		}
		pending = append(pending, []any{o.ChatID, o.TenantID, o.AgentID, o.ServiceID, dbTime(o.OfferedAt), dbTime(o.ExpiresAt), o.Decision})
	}
	if err := routingDecisions.exec(ctx, r, decisions); err != nil {
		return err
	}
	if err := newOffers.exec(ctx, r, pending); err != nil {
		return err
	}
	return assignAll(ctx, r, assigned)
}

// stringSet runs a query of one text column and returns its values.
func stringSet(ctx context.Context, r runner, query string, args ...any) (map[string]bool, error) {
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	values, err := collect(rows, scanOne[string])
	out := make(map[string]bool, len(values))
	for _, v := range values {
		out[v] = true
	}
	return out, err
}
