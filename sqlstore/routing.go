package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// This file keeps the routing engine's settings and agent records; offers,
// transfers and conferences are in routing_chats.go, leadership in
// leader.go.

// SetServiceRouting stores the service's routing settings.
func (s *Store) SetServiceRouting(ctx context.Context, serviceID string, rs parley.ServiceRouting) error {
	if err := rs.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return wrap("set service routing", err)
	}
	err = s.inTx(ctx, func(r runner) error {
		var tenant string
		if err := r.queryRow(ctx, "SELECT tenant_id FROM services WHERE id = ?", serviceID).Scan(&tenant); err != nil {
			return notFound(err, "service", serviceID)
		}
		_, err := r.exec(ctx, `INSERT INTO service_routing (service_id, tenant_id, settings) VALUES (?, ?, ?)
			ON CONFLICT (service_id) DO UPDATE SET settings = excluded.settings`, serviceID, tenant, string(b))
		return err
	})
	return wrap("set service routing", err)
}

// ServiceRoutings returns the tenant's service settings by service id.
func (s *Store) ServiceRoutings(ctx context.Context, tenantID string) (map[string]parley.ServiceRouting, error) {
	rows, err := s.r().query(ctx, "SELECT service_id, settings FROM service_routing WHERE tenant_id = ?", tenantID)
	if err != nil {
		return nil, wrap("service routings", err)
	}
	defer rows.Close()
	out := map[string]parley.ServiceRouting{}
	for rows.Next() {
		var id, settings string
		if err := rows.Scan(&id, &settings); err != nil {
			return nil, wrap("service routings", err)
		}
		var rs parley.ServiceRouting
		if settings != "" {
			if err := json.Unmarshal([]byte(settings), &rs); err != nil {
				return nil, wrap("service routings", fmt.Errorf("service %s: %w", id, err))
			}
		}
		out[id] = rs
	}
	return out, wrap("service routings", rows.Err())
}

// ensureAgentRow creates the agent's routing row if missing.
func ensureAgentRow(ctx context.Context, r runner, userID string) error {
	_, err := r.exec(ctx, "INSERT INTO agent_routing (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING", userID)
	if isForeignKeyViolation(err) {
		return parley.Errorf(parley.ENOTFOUND, "user %s not found", userID)
	}
	return err
}

// SetAgentSkills replaces the agent's skills.
func (s *Store) SetAgentSkills(ctx context.Context, userID string, skills map[string]int) error {
	for k, v := range skills {
		if v < 0 || v > 100 {
			return parley.Errorf(parley.EINVALID, "skill %q: level must be 0–100", k)
		}
	}
	text := ""
	if len(skills) > 0 {
		b, err := json.Marshal(skills)
		if err != nil {
			return wrap("set agent skills", err)
		}
		text = string(b)
	}
	err := s.inTx(ctx, func(r runner) error {
		if err := ensureAgentRow(ctx, r, userID); err != nil {
			return err
		}
		_, err := r.exec(ctx, "UPDATE agent_routing SET skills = ? WHERE user_id = ?", text, userID)
		return err
	})
	return wrap("set agent skills", err)
}

// SetAgentStatus records the agent's state, Not Ready reason and end of
// wrap-up. Becoming Ready with no chat starts their idle time.
func (s *Store) SetAgentStatus(ctx context.Context, userID, state, reason string, acwUntil, at time.Time) error {
	switch state {
	case parley.StateOffline, parley.StateReady, parley.StateNotReady, parley.StateACW:
	default:
		return parley.Errorf(parley.EINVALID, "unknown agent state %q", state)
	}
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		var cur string
		if err := r.queryRow(ctx, "SELECT state FROM users WHERE id = ?"+s.d.forUpdate(), userID).Scan(&cur); err != nil {
			return notFound(err, "user", userID)
		}
		if cur != state {
			if _, err := r.exec(ctx, "UPDATE users SET state = ?, state_since = ? WHERE id = ?", state, dbTime(at), userID); err != nil {
				return err
			}
		}
		if err := ensureAgentRow(ctx, r, userID); err != nil {
			return err
		}
		if _, err := r.exec(ctx, "UPDATE agent_routing SET reason = ?, acw_until = ? WHERE user_id = ?",
			reason, dbTime(acwUntil), userID); err != nil {
			return err
		}
		if state != parley.StateReady {
			return nil
		}
		_, err := r.exec(ctx, "UPDATE users SET idle_since = ? WHERE id = ? AND idle_since IS NULL AND "+holdsNoChat, dbTime(at), userID)
		return err
	})
	return wrap("set agent status", err)
}

// TouchPresence records a sign of life of the agent's desktop.
func (s *Store) TouchPresence(ctx context.Context, userID string, at time.Time) error {
	_, err := s.r().exec(ctx, `INSERT INTO agent_routing (user_id, last_seen) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen`, userID, dbTime(at))
	if isForeignKeyViolation(err) {
		return parley.Errorf(parley.ENOTFOUND, "user %s not found", userID)
	}
	return wrap("touch presence", err)
}

const agentRoutingQuery = `SELECT u.id, COALESCE(a.skills, ''), COALESCE(a.reason, ''), a.last_seen, a.acw_until,
	(SELECT COUNT(*) FROM chats c WHERE c.agent_id = u.id AND c.state = 'assigned')
	 + (SELECT COUNT(*) FROM chat_participants p JOIN chats c ON c.id = p.chat_id WHERE p.agent_id = u.id AND c.state = 'assigned'),
	(SELECT COUNT(*) FROM chat_offers o WHERE o.agent_id = u.id)
	FROM users u LEFT JOIN agent_routing a ON a.user_id = u.id`

func scanAgentRouting(sc interface{ Scan(...any) error }) (*parley.AgentRouting, error) {
	var a parley.AgentRouting
	var skills string
	if err := sc.Scan(&a.UserID, &skills, &a.Reason, scanTime(&a.LastSeen), scanTime(&a.ACWUntil), &a.Load, &a.Offers); err != nil {
		return nil, err
	}
	if skills != "" {
		if err := json.Unmarshal([]byte(skills), &a.Skills); err != nil {
			return nil, fmt.Errorf("agent %s skills: %w", a.UserID, err)
		}
	}
	return &a, nil
}

// AgentRoutings returns the routing record of every user of the tenant.
func (s *Store) AgentRoutings(ctx context.Context, tenantID string) (map[string]*parley.AgentRouting, error) {
	rows, err := s.r().query(ctx, agentRoutingQuery+" WHERE u.tenant_id = ?", tenantID)
	if err != nil {
		return nil, wrap("agent routings", err)
	}
	as, err := collect(rows, scanAgentRouting)
	if err != nil {
		return nil, wrap("agent routings", err)
	}
	out := make(map[string]*parley.AgentRouting, len(as))
	for _, a := range as {
		out[a.UserID] = a
	}
	return out, nil
}

// AgentRouting returns the user's routing record.
func (s *Store) AgentRouting(ctx context.Context, userID string) (*parley.AgentRouting, error) {
	a, err := scanAgentRouting(s.r().queryRow(ctx, agentRoutingQuery+" WHERE u.id = ?", userID))
	if err != nil {
		return nil, wrap("agent routing", notFound(err, "user", userID))
	}
	return a, nil
}

// The queue statistics a Find Agent block reads for every chat it queues.
// Each must read only the rows it counts: the service's queued chats
// through the partial index chats_service_queue (which a query can use
// only when it names the state as that literal, not as a parameter) and
// the service's latest assignments through chats_service_assigned.
// Reading all of a tenant's chats made every new chat slower as chats
// piled up (TestQueueStatsUseIndexes).
const (
	queueLengthQuery   = "SELECT COUNT(*) FROM chats WHERE tenant_id = ? AND service_id = ? AND state = '" + parley.ChatQueued + "'"
	queuePositionQuery = `SELECT COUNT(*) FROM chats WHERE tenant_id = ? AND service_id = ? AND state = '` + parley.ChatQueued + `'
		AND (priority > ? OR (priority = ? AND (queued_at < ? OR (queued_at = ? AND id < ?))))`
	// Average wait of the service's last 50 assignments.
	recentWaitQuery = `SELECT AVG(w) FROM (SELECT assigned_at - queued_at AS w FROM chats
		WHERE service_id = ? AND assigned_at IS NOT NULL AND queued_at IS NOT NULL AND assigned_at >= queued_at
		ORDER BY assigned_at DESC LIMIT 50) recent`
)

// QueueStats counts the service's queue and agents. Position is the place
// of chatID (priority, then queue time, then id), 0 if not queued there. An
// agent is ready when Ready, not at capacity being irrelevant, and seen
// within grace.
func (s *Store) QueueStats(ctx context.Context, tenantID, serviceID, chatID string, grace time.Duration, now time.Time) (parley.QueueStats, error) {
	var q parley.QueueStats
	r := s.r()
	err := r.queryRow(ctx, queueLengthQuery, tenantID, serviceID).Scan(&q.Length)
	if err != nil {
		return q, wrap("queue stats", err)
	}
	if chatID != "" {
		var prio int
		var queued time.Time
		var state, svc string
		err := r.queryRow(ctx, "SELECT state, service_id, priority, queued_at FROM chats WHERE id = ?", chatID).
			Scan(&state, &svc, &prio, scanTime(&queued))
		if err != nil {
			return q, wrap("queue stats", notFound(err, "chat", chatID))
		}
		if state == parley.ChatQueued && svc == serviceID {
			err := r.queryRow(ctx, queuePositionQuery,
				tenantID, serviceID, prio, prio, dbTime(queued), dbTime(queued), chatID).Scan(&q.Position)
			if err != nil {
				return q, wrap("queue stats", err)
			}
			q.Position++
		}
	}
	err = r.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN u.state <> ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN u.state = ? AND a.last_seen >= ? THEN 1 ELSE 0 END), 0)
		FROM users u JOIN user_services us ON us.user_id = u.id
		LEFT JOIN agent_routing a ON a.user_id = u.id
		WHERE us.service_id = ?`,
		parley.StateOffline, parley.StateReady, dbTime(now.Add(-grace)), serviceID).Scan(&q.AgentsLoggedIn, &q.AgentsReady)
	if err != nil {
		return q, wrap("queue stats", err)
	}
	var avg *float64
	err = r.queryRow(ctx, recentWaitQuery, serviceID).Scan(&avg)
	if err != nil {
		return q, wrap("queue stats", err)
	}
	if avg != nil {
		q.AvgWait = time.Duration(*avg) * time.Microsecond
	}
	return q, nil
}
