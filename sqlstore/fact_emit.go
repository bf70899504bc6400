package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// The store records the facts of its own state changes (docs/METRICS.md)
// in the transaction of the change, so a chat's timeline can never miss a
// step that happened: EnqueueChat (entered_queue), OfferChat (offered,
// accepted), AcceptOffer (accepted), TransferChat (transferred and
// entered_queue), RequeueChat (agent_left and entered_queue), ReleaseChat
// (agent_left), AddParticipant (conference_joined), AbandonChat
// (abandoned, closed), CloseChat (closed) and AddMessage (customer_message,
// first_agent_reply, agent_reply: parley.MessageFact). The aggregates are
// updated with the tenant's service thresholds read in the same
// transaction.

// chatFactBase reads what every fact of a chat carries: its tenant and
// its current service and agent.
func chatFactBase(ctx context.Context, r runner, chatID string) (parley.Fact, error) {
	f := parley.Fact{ChatID: chatID}
	err := r.queryRow(ctx, "SELECT tenant_id, service_id, agent_id FROM chats WHERE id = ?", chatID).
		Scan(&f.TenantID, &f.ServiceID, &f.AgentID)
	return f, notFound(err, "chat", chatID)
}

// fact returns a copy of base of the kind at time at.
func fact(base parley.Fact, kind string, at time.Time) parley.Fact {
	base.Kind, base.At = kind, at
	return base
}

// recordFacts stores facts of one tenant within r's transaction and adds
// their deltas to the aggregates, counted with the tenant's thresholds.
func (s *Store) recordFacts(ctx context.Context, r runner, facts ...parley.Fact) error {
	if len(facts) == 0 {
		return nil
	}
	for i := range facts {
		if err := facts[i].Validate(); err != nil {
			return err
		}
	}
	byTenant := map[string][]int{}
	var tenants []string
	for i, f := range facts {
		if _, ok := byTenant[f.TenantID]; !ok {
			tenants = append(tenants, f.TenantID)
		}
		byTenant[f.TenantID] = append(byTenant[f.TenantID], i)
	}
	ids := make([]int64, len(facts))
	for _, t := range tenants {
		cfg, err := s.thresholds.config(ctx, r, t)
		if err != nil {
			return err
		}
		l := &FactLog{s: s, agg: metrics.NewAggregator(cfg)}
		part := make([]parley.Fact, len(byTenant[t]))
		for j, i := range byTenant[t] {
			part[j] = facts[i]
		}
		partIDs := make([]int64, len(part))
		var deltas []metrics.Row
		if groups := groupByChat(part); len(groups) > 1 {
			if deltas, err = l.addChatsFacts(ctx, r, t, part, groups, partIDs); err != nil {
				return err
			}
		} else {
			for _, g := range groups {
				d, err := l.addChatFacts(ctx, r, part, g, partIDs)
				if err != nil {
					return err
				}
				deltas = append(deltas, d...)
			}
		}
		if err := upsertMetricDeltas(ctx, r, deltas); err != nil {
			return err
		}
		for j, i := range byTenant[t] {
			ids[i] = partIDs[j]
		}
	}
	for i := range facts {
		facts[i].ID, facts[i].At = ids[i], normTime(facts[i].At)
	}
	return nil
}

// AddFacts stores facts Parley observes outside the store's own state
// changes (a disposition, a survey answer) and updates the aggregates
// with the services' thresholds, in one transaction.
func (s *Store) AddFacts(ctx context.Context, facts []parley.Fact) error {
	err := s.inTx(ctx, func(r runner) error { return s.recordFacts(ctx, r, facts...) })
	return wrap("add facts", err)
}

// metricConfig reads the tenant's thresholds as the aggregator applies
// them.
func metricConfig(ctx context.Context, r runner, tenantID string) (metrics.Config, error) {
	ts, err := serviceThresholds(ctx, r, tenantID)
	if err != nil {
		return metrics.Config{}, fmt.Errorf("read thresholds: %w", err)
	}
	return MetricConfig(ts), nil
}

// MetricConfig is the aggregator's configuration for a tenant's
// thresholds (metrics.ConfigFor).
func MetricConfig(ts map[string]parley.ServiceThresholds) metrics.Config {
	return metrics.ConfigFor(ts)
}

// SetServiceThresholds stores a service's thresholds.
func (s *Store) SetServiceThresholds(ctx context.Context, t parley.ServiceThresholds) error {
	if err := t.Validate(); err != nil {
		return err
	}
	_, err := s.r().exec(ctx, `INSERT INTO service_thresholds (service_id, tenant_id, service_level_ms,
		service_level_target, dropout_ms, chat_time_limit_ms, max_wait_ms)
		SELECT id, tenant_id, ?, ?, ?, ?, ? FROM services WHERE id = ?
		ON CONFLICT (service_id) DO UPDATE SET service_level_ms = excluded.service_level_ms,
		service_level_target = excluded.service_level_target, dropout_ms = excluded.dropout_ms,
		chat_time_limit_ms = excluded.chat_time_limit_ms, max_wait_ms = excluded.max_wait_ms`,
		t.ServiceLevel.Milliseconds(), t.ServiceLevelTarget, t.Dropout.Milliseconds(),
		t.ChatTimeLimit.Milliseconds(), t.MaxWait.Milliseconds(), t.ServiceID)
	// Dropped now and again once committed: a read in between would
	// keep the old thresholds.
	s.thresholds.drop()
	s.r().afterCommit(s.thresholds.drop)
	return wrap("set service thresholds", err)
}

// ServiceThresholds returns the tenant's services' own thresholds.
func (s *Store) ServiceThresholds(ctx context.Context, tenantID string) (map[string]parley.ServiceThresholds, error) {
	out, err := serviceThresholds(ctx, s.r(), tenantID)
	return out, wrap("service thresholds", err)
}

func serviceThresholds(ctx context.Context, r runner, tenantID string) (map[string]parley.ServiceThresholds, error) {
	rows, err := r.query(ctx, `SELECT service_id, service_level_ms, service_level_target, dropout_ms,
		chat_time_limit_ms, max_wait_ms FROM service_thresholds WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]parley.ServiceThresholds{}
	for rows.Next() {
		var t parley.ServiceThresholds
		var sl, drop, limit, wait int64
		if err := rows.Scan(&t.ServiceID, &sl, &t.ServiceLevelTarget, &drop, &limit, &wait); err != nil {
			return nil, err
		}
		t.ServiceLevel, t.Dropout = time.Duration(sl)*time.Millisecond, time.Duration(drop)*time.Millisecond
		t.ChatTimeLimit, t.MaxWait = time.Duration(limit)*time.Millisecond, time.Duration(wait)*time.Millisecond
		out[t.ServiceID] = t
	}
	return out, rows.Err()
}

// SetTenantTimeZone sets the zone of the tenant's report days and hours.
func (s *Store) SetTenantTimeZone(ctx context.Context, tenantID, zone string) error {
	if _, err := time.LoadLocation(zone); err != nil {
		return parley.Errorf(parley.EINVALID, "time zone %q is not an IANA zone like Europe/Paris", zone)
	}
	ok, err := s.r().execOne(ctx, "UPDATE tenants SET time_zone = ? WHERE id = ?", zone, tenantID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "tenant %s not found", tenantID)
	}
	return wrap("set tenant time zone", err)
}

// TenantTimeZone returns the tenant's zone; "" is UTC.
func (s *Store) TenantTimeZone(ctx context.Context, tenantID string) (string, error) {
	var zone string
	err := s.r().queryRow(ctx, "SELECT time_zone FROM tenants WHERE id = ?", tenantID).Scan(&zone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return zone, wrap("tenant time zone", err)
}

// messageFacts returns the fact of a message being stored in a chat in
// state (nil if it is none): a customer's messages count while the chat
// is queued or with an agent, and the first one in the bot's part (it
// tells the first-response rule that the customer had written); every
// human agent reply counts. base is what the chat's facts carry
// (chatFactBase), read with the chat's row.
func messageFacts(ctx context.Context, r runner, m *parley.Message, base parley.Fact, state string, at time.Time) ([]parley.Fact, error) {
	tenantID := base.TenantID
	if state == parley.ChatClosed {
		return nil, nil
	}
	var first bool
	switch {
	case m.Direction == parley.Outbound && m.Sender == parley.SenderAgent:
		// A supervisor who barged in writes like an agent, but her
		// messages are no agent's work: they are not replies in the
		// reports, and the agent's own first reply stays the first.
		var barged, n int
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM supervision_log WHERE tenant_id = ? AND chat_id = ?
			AND user_id = ? AND action = ? LIMIT 1) x`, tenantID, m.ChatID, m.AgentID, parley.SuperviseBarge).Scan(&barged); err != nil {
			return nil, err
		}
		if barged > 0 {
			return nil, nil
		}
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE chat_id = ? AND direction = ?
			AND sender = ? AND agent_id <> '' AND agent_id NOT IN (SELECT user_id FROM supervision_log
				WHERE tenant_id = ? AND chat_id = ? AND action = ?) LIMIT 1) x`,
			m.ChatID, parley.Outbound, parley.SenderAgent, tenantID, m.ChatID, parley.SuperviseBarge).Scan(&n); err != nil {
			return nil, err
		}
		first = n == 0
	case m.Direction == parley.Inbound && state == parley.ChatBot:
		var n int
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM chat_facts WHERE tenant_id = ? AND chat_id = ?
			AND kind = ? LIMIT 1) x`, tenantID, m.ChatID, parley.FactCustomerMessage).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, nil
		}
	}
	kind := parley.MessageFact(m, first)
	if kind == "" {
		return nil, nil
	}
	f := fact(base, kind, at)
	if kind == parley.FactCustomerMessage {
		f.AgentID = ""
	} else {
		f.AgentID = m.AgentID
	}
	return []parley.Fact{f}, nil
}
