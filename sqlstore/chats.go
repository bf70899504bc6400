package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

const chatCols = `id, tenant_id, account_id, customer_id, entry_id, service_id, agent_id, state,
	priority, queued_at, assigned_at, closed_at, created_at, updated_at,
	scenario_name, scenario_version, scenario_block, scenario_waiting, scenario_wake_at, scenario_vars`

func scanChat(sc interface{ Scan(...any) error }) (*parley.Chat, error) {
	c, dest, finish := chatDest()
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	return c, finish()
}

// chatDest returns a chat, the scan destinations of chatCols for it, and
// a function to call once they are scanned. Queries that read a chat with
// other columns (open.go) scan these first.
func chatDest() (*parley.Chat, []any, func() error) {
	var c parley.Chat
	var vars string
	p := &c.Scenario
	dest := []any{&c.ID, &c.TenantID, &c.AccountID, &c.CustomerID, &c.EntryID, &c.ServiceID, &c.AgentID, &c.State,
		&c.Priority, scanTime(&c.QueuedAt), scanTime(&c.AssignedAt), scanTime(&c.ClosedAt),
		scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt),
		&p.Name, &p.Version, &p.Block, &p.Waiting, scanTime(&p.WakeAt), &vars}
	return &c, dest, func() error {
		if vars == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(vars), &p.Vars); err != nil {
			return fmt.Errorf("chat %s: scenario vars: %w", c.ID, err)
		}
		return nil
	}
}

// encodeVars returns the JSON text stored for scenario variables; empty
// for none.
func encodeVars(vars map[string]string) (string, error) {
	if len(vars) == 0 {
		return "", nil
	}
	b, err := json.Marshal(vars)
	if err != nil {
		return "", fmt.Errorf("scenario vars: %w", err)
	}
	return string(b), nil
}

// CreateChat stores a new chat and sets c.ID, c.CreatedAt (now unless
// set) and c.UpdatedAt. State defaults to bot. ECONFLICT if the customer
// already has a chat that is not closed.
func (s *Store) CreateChat(ctx context.Context, c *parley.Chat) error {
	id, err := newID()
	if err != nil {
		return wrap("create chat", err)
	}
	vars, err := encodeVars(c.Scenario.Vars)
	if err != nil {
		return wrap("create chat", err)
	}
	state := c.State
	if state == "" {
		state = parley.ChatBot
	}
	created := normTime(c.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	p := c.Scenario
	err = s.inTx(ctx, func(r runner) error {
		_, err := r.exec(ctx, `INSERT INTO chats (`+chatCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, c.TenantID, c.AccountID, c.CustomerID, c.EntryID, c.ServiceID, c.AgentID, state,
			c.Priority, dbTime(c.QueuedAt), dbTime(c.AssignedAt), dbTime(c.ClosedAt), dbTime(created), dbTime(created),
			p.Name, p.Version, p.Block, p.Waiting, dbTime(p.WakeAt), vars)
		if err != nil || state != parley.ChatAssigned || c.AgentID == "" {
			return err
		}
		// A chat an agent starts is an agent segment without a queue.
		at := normTime(c.AssignedAt)
		if at.IsZero() {
			at = created
		}
		return s.recordFacts(ctx, r, parley.Fact{TenantID: c.TenantID, ChatID: id, ServiceID: c.ServiceID,
			AgentID: c.AgentID, Kind: parley.FactAccepted, At: at})
	})
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "customer %s already has an open chat", c.CustomerID)
	}
	if err != nil {
		return wrap("create chat", err)
	}
	c.ID, c.State, c.CreatedAt, c.UpdatedAt = id, state, created, created
	c.QueuedAt, c.AssignedAt, c.ClosedAt = normTime(c.QueuedAt), normTime(c.AssignedAt), normTime(c.ClosedAt)
	c.Scenario.WakeAt = normTime(c.Scenario.WakeAt)
	return nil
}

// Chat returns the chat with the id.
func (s *Store) Chat(ctx context.Context, id string) (*parley.Chat, error) {
	c, err := scanChat(s.p().queryRow(ctx, "SELECT "+chatCols+" FROM chats WHERE id = ?", id))
	if err != nil {
		return nil, wrap("chat", notFound(err, "chat", id))
	}
	return c, nil
}

// OpenChat returns the customer's chat that is not closed; ENOTFOUND if
// none.
func (s *Store) OpenChat(ctx context.Context, customerID string) (*parley.Chat, error) {
	c, err := scanChat(s.r().queryRow(ctx, "SELECT "+chatCols+` FROM chats
		WHERE customer_id = ? AND state <> `+closedSQL+` ORDER BY created_at DESC, id DESC LIMIT 1`, customerID))
	if err != nil {
		return nil, wrap("open chat", notFound(err, "open chat of customer", customerID))
	}
	return c, nil
}

// Chats returns the chats matching f, newest first.
func (s *Store) Chats(ctx context.Context, f parley.ChatFilter) ([]*parley.Chat, error) {
	var where []string
	var args []any
	if f.TenantID != "" {
		where, args = append(where, "tenant_id = ?"), append(args, f.TenantID)
	}
	if f.AgentID != "" {
		where, args = append(where, "agent_id = ?"), append(args, f.AgentID)
	}
	if f.CustomerID != "" {
		where, args = append(where, "customer_id = ?"), append(args, f.CustomerID)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if len(f.ServiceIDs) > 0 {
		where, args = append(where, "service_id IN ("+placeholders(len(f.ServiceIDs))+")"), append(args, anySlice(f.ServiceIDs)...)
	}
	if b := f.Before; b != nil {
		at := dbTime(normTime(b.CreatedAt))
		where, args = append(where, "(created_at < ? OR (created_at = ? AND id < ?))"), append(args, at, at, b.ID)
	}
	q := "SELECT " + chatCols + " FROM chats"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r().query(ctx, q, args...)
	if err != nil {
		return nil, wrap("chats", err)
	}
	cs, err := collect(rows, scanChat)
	return cs, wrap("chats", err)
}

// SaveScenario persists the chat's scenario position.
func (s *Store) SaveScenario(ctx context.Context, chatID string, p parley.ScenarioPosition) error {
	return wrap("save scenario", s.saveScenario(ctx, s.p(), chatID, p))
}

func (s *Store) saveScenario(ctx context.Context, r runner, chatID string, p parley.ScenarioPosition) error {
	vars, err := encodeVars(p.Vars)
	if err != nil {
		return err
	}
	ok, err := r.execOne(ctx, `UPDATE chats SET scenario_name = ?, scenario_version = ?, scenario_block = ?,
		scenario_waiting = ?, scenario_wake_at = ?, scenario_vars = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Version, p.Block, p.Waiting, dbTime(p.WakeAt), vars, dbTime(s.now()), chatID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "chat %s not found", chatID)
	}
	return err
}

// SaveStep commits a scenario step: its messages, their events and the
// chat's position, in one transaction. The chat row is locked first (as
// every writer of a chat does), the tenant's event lock last.
func (s *Store) SaveStep(ctx context.Context, step *parley.ScenarioStep) error {
	if len(step.Messages) == 0 {
		return s.SaveScenario(ctx, step.ChatID, step.Position)
	}
	var done []func()
	var events []*parley.Event
	err := s.inTx(ctx, func(r runner) error {
		done, events = done[:0], events[:0]
		for _, m := range step.Messages {
			if m.ChatID != step.ChatID || m.Direction != parley.Outbound {
				return parley.Errorf(parley.EINVALID, "a scenario step sends outbound messages of its own chat only")
			}
			set, err := s.addMessage(ctx, r, m)
			if err != nil {
				return err
			}
			done = append(done, set)
		}
		if err := s.saveScenario(ctx, r, step.ChatID, step.Position); err != nil {
			return err
		}
		if step.Announce == nil {
			return nil
		}
		// The events need the messages' ids and places: set them now and
		// clear them again if the transaction is retried or fails.
		for _, set := range done {
			set()
		}
		var err error
		events, err = s.appendAnnounced(ctx, r, step.Messages, step.Announce)
		return err
	})
	if err != nil {
		for _, m := range step.Messages {
			m.ID, m.Seq = "", 0
		}
		return wrap("save step", err)
	}
	for _, set := range done {
		set()
	}
	step.Events = events
	return nil
}

// appendAnnounced appends, in the transaction r, the event announce makes
// of each stored message of ms (none when it returns nil) and its copies
// for the chat's conference guests (Event.Copies), with their ids and
// times set. Take it last in a transaction: it holds the tenant's event
// lock until commit.
func (s *Store) appendAnnounced(ctx context.Context, r runner, ms []*parley.Message, announce func(*parley.Message) *parley.Event) ([]*parley.Event, error) {
	var events []*parley.Event
	created := s.now()
	for _, m := range ms {
		e := announce(m)
		if e == nil {
			continue
		}
		if err := s.appendChatEvent(ctx, r, e, created); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, nil
}

// lockChat reads the chat's state and agent, locking its row on
// PostgreSQL. Transactions that lock a chat and a user lock the chat
// first, so they cannot deadlock.
func (s *Store) lockChat(ctx context.Context, r runner, id string) (state, agentID string, err error) {
	err = r.queryRow(ctx, "SELECT state, agent_id FROM chats WHERE id = ?"+s.d.forUpdate(), id).Scan(&state, &agentID)
	return state, agentID, notFound(err, "chat", id)
}

// lockChatIn locks the chat row and requires the chat to be in state want;
// ECONFLICT says which state it is in instead. It returns the chat's agent.
func (s *Store) lockChatIn(ctx context.Context, r runner, id, want string) (agentID string, err error) {
	state, agentID, err := s.lockChat(ctx, r, id)
	if err != nil {
		return "", err
	}
	if state != want {
		return "", parley.Errorf(parley.ECONFLICT, "chat %s is %s, not %s", id, state, want)
	}
	return agentID, nil
}

// holdsNoChat is true of the users row being updated when the agent
// neither owns nor takes part in a conference of an assigned chat.
const holdsNoChat = `NOT EXISTS (SELECT 1 FROM chats WHERE agent_id = users.id AND state = 'assigned')
	AND NOT EXISTS (SELECT 1 FROM chat_participants p JOIN chats c ON c.id = p.chat_id
		WHERE p.agent_id = users.id AND c.state = 'assigned')`

// agentFreed starts the agent's IdleSince at at if they hold no chat any
// more (see holdsNoChat).
func agentFreed(ctx context.Context, r runner, agentID string, at time.Time) error {
	if agentID == "" {
		return nil
	}
	_, err := r.exec(ctx, "UPDATE users SET idle_since = ? WHERE id = ? AND "+holdsNoChat, dbTime(at), agentID)
	return err
}

// chatFreed frees the agents of a chat that stopped being assigned: its
// owner and its conference guests.
func chatFreed(ctx context.Context, r runner, chatID, owner string, at time.Time) error {
	guests, err := chatGuests(ctx, r, chatID)
	if err != nil {
		return err
	}
	for _, id := range append(guests, owner) {
		if err := agentFreed(ctx, r, id, at); err != nil {
			return err
		}
	}
	return nil
}

func chatGuests(ctx context.Context, r runner, chatID string) ([]string, error) {
	rows, err := r.query(ctx, "SELECT agent_id FROM chat_participants WHERE chat_id = ? ORDER BY agent_id", chatID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOne[string])
}

// EnqueueChat puts the chat in the service's queue with the priority. A
// chat that was queued before keeps its QueuedAt (its place in line). An
// assigned chat leaves its agent (a transfer). ECONFLICT if the chat is
// closed.
func (s *Store) EnqueueChat(ctx context.Context, chatID, serviceID string, priority int, at time.Time) error {
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		state, agentID, err := s.lockChat(ctx, r, chatID)
		if err != nil {
			return err
		}
		if state == parley.ChatClosed {
			return parley.Errorf(parley.ECONFLICT, "chat %s is closed", chatID)
		}
		if _, err := r.exec(ctx, `UPDATE chats SET state = ?, service_id = ?, priority = ?, agent_id = '',
			queued_at = COALESCE(queued_at, ?), updated_at = ? WHERE id = ?`,
			parley.ChatQueued, serviceID, priority, dbTime(at), dbTime(at), chatID); err != nil {
			return err
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		if err := s.recordFacts(ctx, r, fact(base, parley.FactEnteredQueue, at)); err != nil {
			return err
		}
		if state == parley.ChatAssigned {
			return chatFreed(ctx, r, chatID, agentID, at)
		}
		return nil
	})
	return wrap("enqueue chat", err)
}

// ReleaseChat returns the chat to the bot state, clearing its agent; if
// that agent has no assigned chat left their IdleSince starts at at.
// ECONFLICT if the chat is closed.
func (s *Store) ReleaseChat(ctx context.Context, chatID string, at time.Time) error {
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		state, agentID, err := s.lockChat(ctx, r, chatID)
		if err != nil {
			return err
		}
		if state == parley.ChatClosed {
			return parley.Errorf(parley.ECONFLICT, "chat %s is closed", chatID)
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		if _, err := r.exec(ctx, "UPDATE chats SET state = ?, agent_id = '', updated_at = ? WHERE id = ?",
			parley.ChatBot, dbTime(at), chatID); err != nil {
			return err
		}
		if state == parley.ChatAssigned {
			if err := s.recordFacts(ctx, r, fact(base, parley.FactAgentLeft, at)); err != nil {
				return err
			}
			return chatFreed(ctx, r, chatID, agentID, at)
		}
		return nil
	})
	return wrap("release chat", err)
}

// CloseChat closes the chat at time at. The chat keeps its AgentID (who
// served it); if it was assigned and the agent has no assigned chat left,
// their IdleSince starts at at. Closing a closed chat changes nothing.
func (s *Store) CloseChat(ctx context.Context, chatID string, at time.Time) error {
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		state, agentID, err := s.lockChat(ctx, r, chatID)
		if err != nil || state == parley.ChatClosed {
			return err
		}
		if _, err := r.exec(ctx, "UPDATE chats SET state = ?, closed_at = ?, updated_at = ? WHERE id = ?",
			parley.ChatClosed, dbTime(at), dbTime(at), chatID); err != nil {
			return err
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		if err := s.recordFacts(ctx, r, fact(base, parley.FactClosed, at)); err != nil {
			return err
		}
		if state == parley.ChatAssigned {
			return chatFreed(ctx, r, chatID, agentID, at)
		}
		return nil
	})
	return wrap("close chat", err)
}

// Queue returns the tenant's queued chats, highest priority first, then
// oldest QueuedAt first.
func (s *Store) Queue(ctx context.Context, tenantID string) ([]*parley.Chat, error) {
	rows, err := s.r().query(ctx, "SELECT "+chatCols+` FROM chats WHERE tenant_id = ? AND state = `+queuedSQL+`
		ORDER BY priority DESC, queued_at ASC, id ASC`, tenantID)
	if err != nil {
		return nil, wrap("queue", err)
	}
	cs, err := collect(rows, scanChat)
	return cs, wrap("queue", err)
}
