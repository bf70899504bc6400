package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// lockAgentLoad locks the agent's user row (PostgreSQL) and returns their
// state and how many chats they hold and are offered. Callers lock the
// chat first (see lockChat).
func (s *Store) lockAgentLoad(ctx context.Context, r runner, agentID string) (state string, used int, err error) {
	if err := r.queryRow(ctx, "SELECT state FROM users WHERE id = ?"+s.d.forUpdate(), agentID).Scan(&state); err != nil {
		return "", 0, notFound(err, "user", agentID)
	}
	// Counted by a statement of its own, after the lock (see offerBatch).
	loads, err := agentLoads(ctx, r, []string{agentID})
	return state, loads[agentID], err
}

// upsertChatRouting makes sure the chat has a routing row.
func upsertChatRouting(ctx context.Context, r runner, chatID string) error {
	_, err := r.exec(ctx, `INSERT INTO chat_routing (chat_id, tenant_id)
		SELECT id, tenant_id FROM chats WHERE id = ? ON CONFLICT (chat_id) DO NOTHING`, chatID)
	return err
}

// assignTo moves a locked queued chat to the agent.
func assignTo(ctx context.Context, r runner, chatID, agentID string, at time.Time) error {
	return assignAll(ctx, r, []assignment{{chatID, agentID, at}})
}

// assignment is a locked queued chat going to an agent at a time.
type assignment struct {
	chat, agent string
	at          time.Time
}

// assignAll makes assignments with three statements in all.
func assignAll(ctx context.Context, r runner, as []assignment) error {
	if len(as) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(as))
	chats, agents := make([]string, len(as)), make([]string, len(as))
	for i, a := range as {
		args = append(args, a.chat, a.agent, dbTime(a.at))
		chats[i], agents[i] = a.chat, a.agent
	}
	// Typed in the VALUES row: PostgreSQL would take a bare parameter
	// there for text.
	rows := strings.TrimSuffix(strings.Repeat("(?, ?, CAST(? AS BIGINT)), ", len(as)), ", ")
	if _, err := r.exec(ctx, `UPDATE chats SET state = ?, agent_id = v.column2, assigned_at = v.column3, updated_at = v.column3
		FROM (VALUES `+rows+`) AS v WHERE chats.id = v.column1`, append([]any{parley.ChatAssigned}, args...)...); err != nil {
		return err
	}
	if _, err := r.exec(ctx, "UPDATE chat_routing SET target_agent = '', declined = '' WHERE chat_id IN "+inList(chats), anySlice(chats)...); err != nil {
		return err
	}
	_, err := r.exec(ctx, "UPDATE users SET idle_since = NULL WHERE id IN "+inList(agents), anySlice(agents)...)
	return err
}

// OfferChat offers (or, with accept, assigns) a queued chat to an agent if
// at commit the chat is queued without an offer and the agent is Ready
// with assigned, conference and offered chats below capacity.
func (s *Store) OfferChat(ctx context.Context, o *parley.Offer, capacity int, accept bool) error {
	errs, err := s.OfferChats(ctx, []parley.OfferRequest{{Offer: o, Capacity: capacity, Accept: accept}})
	if err != nil {
		return err
	}
	return errs[0]
}

// OfferChats makes several offers in one transaction, each on OfferChat's
// conditions (see offerBatch): one refused (ECONFLICT, in errs) leaves the
// others. err is a failure of the whole transaction, which then wrote
// nothing.
func (s *Store) OfferChats(ctx context.Context, offers []parley.OfferRequest) (errs []error, err error) {
	if len(offers) == 0 {
		return nil, nil
	}
	err = s.inTx(ctx, func(r runner) error {
		facts, e, err := s.offerBatch(ctx, r, offers)
		if err != nil {
			return err
		}
		errs = e
		return s.recordFacts(ctx, r, facts...)
	})
	if err != nil {
		return nil, wrap("offer chat", err)
	}
	return errs, nil
}

// AcceptOffer assigns the chat to the agent who holds its offer; ECONFLICT
// if they do not (any more).
func (s *Store) AcceptOffer(ctx context.Context, chatID, agentID string, at time.Time) error {
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		state, _, err := s.lockChat(ctx, r, chatID)
		if err != nil {
			return err
		}
		ok, err := r.execOne(ctx, "DELETE FROM chat_offers WHERE chat_id = ? AND agent_id = ?", chatID, agentID)
		if err != nil {
			return err
		}
		if !ok || state != parley.ChatQueued {
			return parley.Errorf(parley.ECONFLICT, "the offer of chat %s is no longer yours", chatID)
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		base.AgentID = agentID
		if err := s.recordFacts(ctx, r, fact(base, parley.FactAccepted, at)); err != nil {
			return err
		}
		return assignTo(ctx, r, chatID, agentID, at)
	})
	return wrap("accept offer", err)
}

// EndOffer removes the agent's offer of the chat; with declined the agent
// is remembered so that the chat goes to someone else first.
func (s *Store) EndOffer(ctx context.Context, chatID, agentID string, declined bool) error {
	err := s.inTx(ctx, func(r runner) error {
		if _, _, err := s.lockChat(ctx, r, chatID); err != nil {
			return err
		}
		ok, err := r.execOne(ctx, "DELETE FROM chat_offers WHERE chat_id = ? AND agent_id = ?", chatID, agentID)
		if err != nil {
			return err
		}
		if !ok {
			return parley.Errorf(parley.ECONFLICT, "chat %s is not offered to agent %s", chatID, agentID)
		}
		if !declined {
			return nil
		}
		if err := upsertChatRouting(ctx, r, chatID); err != nil {
			return err
		}
		var text string
		if err := r.queryRow(ctx, "SELECT declined FROM chat_routing WHERE chat_id = ?", chatID).Scan(&text); err != nil {
			return err
		}
		list := decodeList(text)
		if !slices.Contains(list, agentID) {
			list = append(list, agentID)
		}
		// A transfer's target who declines is no longer waited for: the
		// chat goes to the service's line.
		_, err = r.exec(ctx, `UPDATE chat_routing SET declined = ?,
			target_agent = CASE WHEN target_agent = ? THEN '' ELSE target_agent END WHERE chat_id = ?`,
			encodeList(list), agentID, chatID)
		return err
	})
	return wrap("end offer", err)
}

// Offers returns the tenant's open offers.
func (s *Store) Offers(ctx context.Context, tenantID string) ([]*parley.Offer, error) {
	rows, err := s.r().query(ctx, `SELECT chat_id, tenant_id, agent_id, service_id, offered_at, expires_at, decision
		FROM chat_offers WHERE tenant_id = ? ORDER BY offered_at, chat_id`, tenantID)
	if err != nil {
		return nil, wrap("offers", err)
	}
	os, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.Offer, error) {
		var o parley.Offer
		err := sc.Scan(&o.ChatID, &o.TenantID, &o.AgentID, &o.ServiceID, scanTime(&o.OfferedAt), scanTime(&o.ExpiresAt), &o.Decision)
		return &o, err
	})
	return os, wrap("offers", err)
}

const chatRoutingCols = `r.chat_id, r.decision, r.target_agent, r.note, r.declined, r.abandoned,
	COALESCE((SELECT STRING_AGG(agent_id, ',') FROM chat_participants p WHERE p.chat_id = r.chat_id), '')`

func (s *Store) chatRoutingCols() string {
	if s.d.pg() {
		return chatRoutingCols
	}
	return `r.chat_id, r.decision, r.target_agent, r.note, r.declined, r.abandoned,
	COALESCE((SELECT GROUP_CONCAT(agent_id, ',') FROM chat_participants p WHERE p.chat_id = r.chat_id), '')`
}

func scanChatRouting(sc interface{ Scan(...any) error }) (*parley.ChatRouting, error) {
	var cr parley.ChatRouting
	var declined, parts string
	var abandoned int
	if err := sc.Scan(&cr.ChatID, &cr.Decision, &cr.TargetAgent, &cr.Note, &declined, &abandoned, &parts); err != nil {
		return nil, err
	}
	cr.Declined, cr.Abandoned = decodeList(declined), abandoned != 0
	if parts != "" {
		cr.Participants = splitComma(parts)
		slices.Sort(cr.Participants)
	}
	return &cr, nil
}

// ChatRouting returns the chat's routing record; an empty one for a chat
// routing never touched. It only reads (it runs for every event of a chat).
func (s *Store) ChatRouting(ctx context.Context, chatID string) (*parley.ChatRouting, error) {
	agg := "STRING_AGG"
	if !s.d.pg() {
		agg = "GROUP_CONCAT"
	}
	cr, err := scanChatRouting(s.r().queryRow(ctx, `SELECT c.id, COALESCE(r.decision, ''), COALESCE(r.target_agent, ''),
		COALESCE(r.note, ''), COALESCE(r.declined, ''), COALESCE(r.abandoned, 0),
		COALESCE((SELECT `+agg+`(agent_id, ',') FROM chat_participants p WHERE p.chat_id = c.id), '')
		FROM chats c LEFT JOIN chat_routing r ON r.chat_id = c.id WHERE c.id = ?`, chatID))
	if err != nil {
		return nil, wrap("chat routing", notFound(err, "chat", chatID))
	}
	return cr, nil
}

// ChatRoutings returns the routing records of the tenant's open chats.
func (s *Store) ChatRoutings(ctx context.Context, tenantID string) (map[string]*parley.ChatRouting, error) {
	rows, err := s.r().query(ctx, "SELECT "+s.chatRoutingCols()+` FROM chat_routing r JOIN chats c ON c.id = r.chat_id
		WHERE r.tenant_id = ? AND c.state <> `+closedSQL, tenantID)
	if err != nil {
		return nil, wrap("chat routings", err)
	}
	crs, err := collect(rows, scanChatRouting)
	if err != nil {
		return nil, wrap("chat routings", err)
	}
	out := make(map[string]*parley.ChatRouting, len(crs))
	for _, cr := range crs {
		out[cr.ChatID] = cr
	}
	return out, nil
}

// TransferChat re-queues an assigned chat in serviceID, keeping its
// QueuedAt, aimed at targetAgent if set, with the note. The conference ends.
func (s *Store) TransferChat(ctx context.Context, chatID, serviceID, targetAgent, note string, at time.Time) error {
	return wrap("transfer chat", s.requeue(ctx, chatID, serviceID, targetAgent, note, at, true))
}

// RequeueChat puts an assigned chat back in its own service's queue, its
// agent having left; recorded as agent_left, not as a transfer.
func (s *Store) RequeueChat(ctx context.Context, chatID, targetAgent string, at time.Time) error {
	return wrap("requeue chat", s.requeue(ctx, chatID, "", targetAgent, "", at, false))
}

// requeue re-queues an assigned chat in serviceID ("": its own), as a
// transfer or as its agent leaving.
func (s *Store) requeue(ctx context.Context, chatID, serviceID, targetAgent, note string, at time.Time, transfer bool) error {
	at = normTime(at)
	return s.inTx(ctx, func(r runner) error {
		agentID, err := s.lockChatIn(ctx, r, chatID, parley.ChatAssigned)
		if err != nil {
			return err
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		if serviceID == "" {
			serviceID = base.ServiceID
		}
		left := fact(base, parley.FactAgentLeft, at)
		if transfer {
			left = fact(base, parley.FactTransferred, at)
			left.TargetService, left.TargetAgent = serviceID, targetAgent
		}
		entered := fact(base, parley.FactEnteredQueue, at)
		entered.ServiceID, entered.AgentID = serviceID, ""
		if err := s.recordFacts(ctx, r, left, entered); err != nil {
			return err
		}
		if _, err := r.exec(ctx, `UPDATE chats SET state = ?, service_id = ?, agent_id = '',
			queued_at = COALESCE(queued_at, ?), updated_at = ? WHERE id = ?`,
			parley.ChatQueued, serviceID, dbTime(at), dbTime(at), chatID); err != nil {
			return err
		}
		guests, err := chatGuests(ctx, r, chatID)
		if err != nil {
			return err
		}
		if _, err := r.exec(ctx, "DELETE FROM chat_participants WHERE chat_id = ?", chatID); err != nil {
			return err
		}
		for _, id := range guests {
			if err := agentFreed(ctx, r, id, at); err != nil {
				return err
			}
		}
		if err := upsertChatRouting(ctx, r, chatID); err != nil {
			return err
		}
		if _, err := r.exec(ctx, "UPDATE chat_routing SET target_agent = ?, note = ?, declined = ? WHERE chat_id = ?",
			targetAgent, note, encodeList([]string{agentID}), chatID); err != nil {
			return err
		}
		return agentFreed(ctx, r, agentID, at)
	})
}

// DropTransferTarget clears the chat's transfer target if it is still
// agentID and the chat is queued without an offer; ECONFLICT otherwise.
func (s *Store) DropTransferTarget(ctx context.Context, chatID, agentID string) error {
	err := s.inTx(ctx, func(r runner) error {
		_, err := s.lockChatIn(ctx, r, chatID, parley.ChatQueued)
		if err != nil {
			return err
		}
		ok, err := r.execOne(ctx, `UPDATE chat_routing SET target_agent = '' WHERE chat_id = ? AND target_agent = ?
			AND NOT EXISTS (SELECT 1 FROM chat_offers WHERE chat_id = ?)`, chatID, agentID, chatID)
		if err != nil {
			return err
		}
		if !ok {
			return parley.Errorf(parley.ECONFLICT, "chat %s is not waiting for agent %s", chatID, agentID)
		}
		return nil
	})
	return wrap("drop transfer target", err)
}

// AddParticipant adds an agent to an assigned chat if at commit she is
// Ready with fewer chats and offers than capacity; ECONFLICT if not, if
// the chat is not assigned or she already takes part. The guest is no
// longer idle: her idle time starts again when the conference ends for her.
func (s *Store) AddParticipant(ctx context.Context, chatID, agentID string, capacity int, at time.Time) error {
	err := s.inTx(ctx, func(r runner) error {
		state, owner, err := s.lockChat(ctx, r, chatID)
		if err != nil {
			return err
		}
		if state != parley.ChatAssigned || owner == agentID {
			return parley.Errorf(parley.ECONFLICT, "chat %s cannot take agent %s into a conference", chatID, agentID)
		}
		agentState, used, err := s.lockAgentLoad(ctx, r, agentID)
		if err != nil {
			return err
		}
		if agentState != parley.StateReady {
			return parley.Errorf(parley.ECONFLICT, "agent %s is %s, not ready", agentID, agentState)
		}
		if used >= capacity {
			return parley.Errorf(parley.ECONFLICT, "agent %s is at capacity (%d of %d)", agentID, used, capacity)
		}
		_, err = r.exec(ctx, `INSERT INTO chat_participants (chat_id, agent_id, tenant_id, joined_at)
			SELECT id, ?, tenant_id, ? FROM chats WHERE id = ?`, agentID, dbTime(normTime(at)), chatID)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.ECONFLICT, "agent %s is already in chat %s", agentID, chatID)
		}
		if err != nil {
			return err
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		base.AgentID = agentID
		if err := s.recordFacts(ctx, r, fact(base, parley.FactConferenceJoined, normTime(at))); err != nil {
			return err
		}
		_, err = r.exec(ctx, "UPDATE users SET idle_since = NULL WHERE id = ?", agentID)
		return err
	})
	return wrap("add participant", err)
}

// RemoveParticipant ends an agent's part in a conference; with no other
// chat left her idle time starts at at.
func (s *Store) RemoveParticipant(ctx context.Context, chatID, agentID string, at time.Time) error {
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, "DELETE FROM chat_participants WHERE chat_id = ? AND agent_id = ?", chatID, agentID); err != nil {
			return err
		}
		return agentFreed(ctx, r, agentID, normTime(at))
	})
	return wrap("remove participant", err)
}

// ConferenceChats returns the assigned chats the agent takes part in as a
// conference participant.
func (s *Store) ConferenceChats(ctx context.Context, agentID string) ([]string, error) {
	rows, err := s.r().query(ctx, `SELECT p.chat_id FROM chat_participants p JOIN chats c ON c.id = p.chat_id
		WHERE p.agent_id = ? AND c.state = `+assignedSQL+` ORDER BY p.joined_at, p.chat_id`, agentID)
	if err != nil {
		return nil, wrap("conference chats", err)
	}
	ids, err := collect(rows, scanOne[string])
	return ids, wrap("conference chats", err)
}

// AbandonChat closes a queued chat whose customer left or went silent.
func (s *Store) AbandonChat(ctx context.Context, chatID string, at time.Time) error {
	at = normTime(at)
	err := s.inTx(ctx, func(r runner) error {
		_, err := s.lockChatIn(ctx, r, chatID, parley.ChatQueued)
		if err != nil {
			return err
		}
		if _, err := r.exec(ctx, "DELETE FROM chat_offers WHERE chat_id = ?", chatID); err != nil {
			return err
		}
		base, err := chatFactBase(ctx, r, chatID)
		if err != nil {
			return err
		}
		if err := s.recordFacts(ctx, r, fact(base, parley.FactAbandoned, at), fact(base, parley.FactClosed, at)); err != nil {
			return err
		}
		if _, err := r.exec(ctx, "UPDATE chats SET state = ?, closed_at = ?, updated_at = ? WHERE id = ?",
			parley.ChatClosed, dbTime(at), dbTime(at), chatID); err != nil {
			return err
		}
		if err := upsertChatRouting(ctx, r, chatID); err != nil {
			return err
		}
		_, err = r.exec(ctx, "UPDATE chat_routing SET abandoned = 1 WHERE chat_id = ?", chatID)
		return err
	})
	return wrap("abandon chat", err)
}

// SetChatPriority changes a chat's priority (a supervisor's override).
func (s *Store) SetChatPriority(ctx context.Context, chatID string, priority int) error {
	ok, err := s.r().execOne(ctx, "UPDATE chats SET priority = ?, updated_at = ? WHERE id = ? AND state <> "+closedSQL,
		priority, dbTime(s.now()), chatID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "open chat %s not found", chatID)
	}
	return wrap("set chat priority", err)
}

func decodeList(text string) []string {
	var l []string
	if text != "" {
		_ = json.Unmarshal([]byte(text), &l) // written by encodeList only
	}
	return l
}

func encodeList(l []string) string {
	if len(l) == 0 {
		return ""
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
