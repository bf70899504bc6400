package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

const messageCols = `id, tenant_id, chat_id, seq, direction, sender, agent_id, kind, text, payload,
	external_id, status, error, attempts, next_attempt_at, sent_at, platform_time, created_at`

func scanMessage(sc interface{ Scan(...any) error }) (*parley.Message, error) {
	var m parley.Message
	err := sc.Scan(&m.ID, &m.TenantID, &m.ChatID, &m.Seq, &m.Direction, &m.Sender, &m.AgentID, &m.Kind, &m.Text, &m.Payload,
		&m.ExternalID, &m.Status, &m.Error, &m.Attempts, scanTime(&m.NextAttemptAt), scanTime(&m.SentAt),
		scanTime(&m.PlatformTime), scanTime(&m.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// AddMessage appends m to its chat and sets m.ID, m.Seq (one more than the
// chat's last), m.CreatedAt (now unless set) and m.TenantID (the chat's).
// An empty Status becomes received for inbound and pending for outbound
// messages. ENOTFOUND if the chat does not exist; ECONFLICT if m.ExternalID
// is set and already stored for the chat's account (a redelivery).
func (s *Store) AddMessage(ctx context.Context, m *parley.Message) error {
	var done func()
	err := s.inTx(ctx, func(r runner) error {
		var err error
		done, err = s.addMessage(ctx, r, m)
		return err
	})
	if err != nil {
		return wrap("add message", err)
	}
	done()
	return nil
}

// AddMessageAnnounced appends m and the event announce makes of it in one
// transaction, the event last (it holds the tenant's event lock until
// commit). An announce that returns nil stores no event (and nil is
// returned).
func (s *Store) AddMessageAnnounced(ctx context.Context, m *parley.Message, announce func(*parley.Message) *parley.Event) (*parley.Event, error) {
	return s.addAnnounced(ctx, m, false, announce)
}

// AddCustomerMessage is AddMessageAnnounced that also records the time of
// the customer's latest message, m.PlatformTime (touchChatCustomer), saving
// the write transaction of its own that every customer message took.
func (s *Store) AddCustomerMessage(ctx context.Context, m *parley.Message, announce func(*parley.Message) *parley.Event) (*parley.Event, error) {
	return s.addAnnounced(inFront(ctx), m, true, announce)
}

func (s *Store) addAnnounced(ctx context.Context, m *parley.Message, touch bool, announce func(*parley.Message) *parley.Event) (*parley.Event, error) {
	var events []*parley.Event
	err := s.inTx(ctx, func(r runner) error {
		done, err := s.addMessage(ctx, r, m)
		if err != nil {
			return err
		}
		if touch {
			if err := touchChatCustomer(ctx, r, m.ChatID, m.PlatformTime); err != nil {
				return fmt.Errorf("record the customer's latest message: %w", err)
			}
		}
		// The event shows the message's id and place: set them now (and
		// clear them below if the transaction fails).
		done()
		events, err = s.appendAnnounced(ctx, r, []*parley.Message{m}, announce)
		return err
	})
	if err != nil {
		m.ID, m.Seq = "", 0
		return nil, wrap("add message", err)
	}
	if len(events) == 0 {
		return nil, nil
	}
	return events[0], nil
}

// MessageByClientKey returns the chat's message stored under the key an
// agent's browser gave it; ENOTFOUND if none.
func (s *Store) MessageByClientKey(ctx context.Context, chatID, key string) (*parley.Message, error) {
	m, err := scanMessage(s.r().queryRow(ctx, "SELECT "+messageCols+" FROM messages WHERE chat_id = ? AND client_key = ?", chatID, key))
	if err != nil {
		return nil, wrap("message by client key", notFound(err, "message", key))
	}
	m.ClientKey = key
	return m, nil
}

// addMessage appends m in the transaction r. The returned func sets m's
// fields once the transaction committed (a retried transaction must not
// see them half set).
func (s *Store) addMessage(ctx context.Context, r runner, m *parley.Message) (func(), error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	status := m.Status
	if status == "" {
		status = parley.MsgReceived
		if m.Direction == parley.Outbound {
			status = parley.MsgPending
		}
	}
	created := normTime(m.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	// Locking the chat row serializes appenders of one chat on
	// PostgreSQL, so max(seq)+1 is unique.
	// The row also gives what the message's fact carries (chatFactBase).
	var accountID, state string
	var seq int64
	base := parley.Fact{ChatID: m.ChatID}
	if s.d.pg() {
		err = r.queryRow(ctx, "SELECT tenant_id, account_id, state, service_id, agent_id FROM chats WHERE id = ? FOR UPDATE", m.ChatID).
			Scan(&base.TenantID, &accountID, &state, &base.ServiceID, &base.AgentID)
		if err == nil {
			// After the lock, in a statement of its own: a subquery of
			// the locking statement would read the snapshot taken
			// before it waited, missing the message the holder added.
			err = r.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE chat_id = ?", m.ChatID).Scan(&seq)
		}
	} else {
		// SQLite's writer runs one transaction at a time: one statement.
		err = r.queryRow(ctx, `SELECT tenant_id, account_id, state, service_id, agent_id,
			(SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE chat_id = chats.id) FROM chats WHERE id = ?`, m.ChatID).
			Scan(&base.TenantID, &accountID, &state, &base.ServiceID, &base.AgentID, &seq)
	}
	if err != nil {
		return nil, notFound(err, "chat", m.ChatID)
	}
	tenantID := base.TenantID
	facts, err := messageFacts(ctx, r, m, base, state, created)
	if err != nil {
		return nil, err
	}
	// A message from the platform (it has the platform's id) is handled
	// once it has been shown and given to the scenario (MarkMessageHandled).
	_, err = r.exec(ctx, `INSERT INTO messages (`+messageCols+`, account_id, client_key, handled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, tenantID, m.ChatID, seq, m.Direction, m.Sender, m.AgentID, m.Kind, m.Text, m.Payload,
		m.ExternalID, status, m.Error, m.Attempts, dbTime(m.NextAttemptAt), dbTime(m.SentAt),
		dbTime(m.PlatformTime), dbTime(created), accountID, m.ClientKey, boolInt(m.ExternalID == ""))
	if isUniqueViolation(err) {
		if m.ClientKey != "" {
			return nil, parley.Errorf(parley.ECONFLICT, "a message with client key %s is already stored", m.ClientKey)
		}
		return nil, parley.Errorf(parley.ECONFLICT, "message %s already stored", m.ExternalID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.recordFacts(ctx, r, facts...); err != nil {
		return nil, err
	}
	return func() {
		m.ID, m.TenantID, m.Seq, m.Status, m.CreatedAt = id, tenantID, seq, status, created
		m.NextAttemptAt, m.SentAt, m.PlatformTime = normTime(m.NextAttemptAt), normTime(m.SentAt), normTime(m.PlatformTime)
	}, nil
}

// Message returns the message with the id.
func (s *Store) Message(ctx context.Context, id string) (*parley.Message, error) {
	m, err := scanMessage(s.r().queryRow(ctx, "SELECT "+messageCols+" FROM messages WHERE id = ?", id))
	if err != nil {
		return nil, wrap("message", notFound(err, "message", id))
	}
	return m, nil
}

// messageByExternalQuery finds a message by its platform id. The index it
// reads (messages_external) holds only messages that have one, so the
// query repeats that condition: without it neither database may use a
// partial index for a parameter, and each new chat scanned every message.
const messageByExternalQuery = "SELECT " + messageCols + " FROM messages WHERE account_id = ? AND external_id = ? AND external_id <> ''"

// MessageByExternalID returns the message the account's platform knows
// by externalID; ENOTFOUND if none.
func (s *Store) MessageByExternalID(ctx context.Context, accountID, externalID string) (*parley.Message, error) {
	if externalID == "" {
		return nil, parley.Errorf(parley.ENOTFOUND, "message without a platform id")
	}
	m, err := scanMessage(s.r().queryRow(ctx, messageByExternalQuery, accountID, externalID))
	if err != nil {
		return nil, wrap("message by external id", notFound(err, "message", externalID))
	}
	return m, nil
}

// UnhandledMessage returns the message the account's platform knows by
// externalID when it was stored but its handling did not finish; ENOTFOUND
// if there is none or it was handled.
func (s *Store) UnhandledMessage(ctx context.Context, accountID, externalID string) (*parley.Message, error) {
	if externalID == "" {
		return nil, parley.Errorf(parley.ENOTFOUND, "message without a platform id")
	}
	m, err := scanMessage(s.r().queryRow(ctx, messageByExternalQuery+" AND handled = 0", accountID, externalID))
	if err != nil {
		return nil, wrap("unhandled message", notFound(err, "unhandled message", externalID))
	}
	return m, nil
}

// MarkMessageHandled records that a message from the platform was shown
// and given to the scenario.
func (s *Store) MarkMessageHandled(ctx context.Context, id string) error {
	return wrap("mark message handled", markHandled(ctx, s.r(), []string{id}))
}

func markHandled(ctx context.Context, r runner, ids []string) error {
	for chunk := range slices.Chunk(ids, readsPerQuery) {
		if _, err := r.exec(ctx, "UPDATE messages SET handled = 1 WHERE handled = 0 AND id IN "+inList(chunk), anySlice(chunk)...); err != nil {
			return err
		}
	}
	return nil
}

// SetMessagePayload replaces a message's payload; ENOTFOUND if there is no
// such message.
func (s *Store) SetMessagePayload(ctx context.Context, id, payload string) error {
	ok, err := s.r().execOne(ctx, "UPDATE messages SET payload = ? WHERE id = ?", payload, id)
	if err != nil {
		return wrap("set message payload", err)
	}
	if !ok {
		return parley.Errorf(parley.ENOTFOUND, "message %s not found", id)
	}
	return nil
}

// Messages returns the chat's messages with Seq > afterSeq in order.
func (s *Store) Messages(ctx context.Context, chatID string, afterSeq int64) ([]*parley.Message, error) {
	rows, err := s.r().query(ctx, "SELECT "+messageCols+" FROM messages WHERE chat_id = ? AND seq > ? ORDER BY seq",
		chatID, afterSeq)
	if err != nil {
		return nil, wrap("messages", err)
	}
	ms, err := collect(rows, scanMessage)
	return ms, wrap("messages", err)
}

// MessagesPage returns at most limit of the chat's messages with Seq >
// afterSeq, in order.
func (s *Store) MessagesPage(ctx context.Context, chatID string, afterSeq int64, limit int) ([]*parley.Message, error) {
	rows, err := s.r().query(ctx, "SELECT "+messageCols+" FROM messages WHERE chat_id = ? AND seq > ? ORDER BY seq LIMIT ?",
		chatID, afterSeq, limit)
	if err != nil {
		return nil, wrap("messages page", err)
	}
	ms, err := collect(rows, scanMessage)
	return ms, wrap("messages page", err)
}

// LastMessage returns the chat's newest message; ENOTFOUND if it has none.
// It reads one row through the (chat_id, seq) index, so chat lists and
// events need not load whole transcripts.
func (s *Store) LastMessage(ctx context.Context, chatID string) (*parley.Message, error) {
	m, err := scanMessage(s.r().queryRow(ctx, "SELECT "+messageCols+" FROM messages WHERE chat_id = ? ORDER BY seq DESC LIMIT 1", chatID))
	if err != nil {
		return nil, wrap("last message", notFound(err, "last message of chat", chatID))
	}
	return m, nil
}

// LastMessageFrom returns the chat's newest message from sender that is
// not of kind skipKind; ENOTFOUND if there is none. It walks the (chat_id,
// seq) index backwards.
func (s *Store) LastMessageFrom(ctx context.Context, chatID, sender, skipKind string) (*parley.Message, error) {
	m, err := scanMessage(s.r().queryRow(ctx, "SELECT "+messageCols+` FROM messages
		WHERE chat_id = ? AND sender = ? AND kind <> ? ORDER BY seq DESC LIMIT 1`, chatID, sender, skipKind))
	if err != nil {
		return nil, wrap("last message from", notFound(err, "last message from "+sender+" of chat", chatID))
	}
	return m, nil
}

// claimOutboundQuery reads the replies ClaimOutbound may take: it walks
// the pending replies oldest first through messages_pending (migration
// 0031) and stops at limit, so it does not grow with the backlog. The
// check for an earlier unsent reply in the chat names the statuses as
// literals, those of the partial index messages_unsent (migration 0030):
// with parameters neither database uses it, and the check read each
// earlier message of the chat.
func claimOutboundQuery(d *dialect) string {
	return "SELECT " + messageCols + " FROM messages m" + d.indexedBy("messages_pending") + `
	WHERE m.direction = '` + parley.Outbound + `' AND m.status = '` + parley.MsgPending + `'
	AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= ?)
	AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.chat_id = m.chat_id AND p.status IN ` + unsentSQL + ` AND p.seq < m.seq)
	AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id AND a.active = 0)
	ORDER BY m.created_at, m.id LIMIT ?` + d.forUpdateSkipLocked()
}

// ClaimOutbound marks up to limit due pending outbound messages as sending
// (Attempts+1) and returns them, oldest first. A message is due when its
// NextAttemptAt is zero or not after now. Only the first unsent (pending
// or sending) outbound message of a chat can be claimed, so a chat never
// has two in flight and never overtakes itself. On PostgreSQL rows locked
// by another claimer are skipped.
func (s *Store) ClaimOutbound(ctx context.Context, now time.Time, limit int) ([]*parley.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	var claimed []*parley.Message
	err := s.inTx(ctx, func(r runner) error {
		claimed = nil
		rows, err := r.query(ctx, claimOutboundQuery(s.d), dbTime(now), limit)
		if err != nil {
			return err
		}
		ms, err := collect(rows, scanMessage)
		if err != nil {
			return err
		}
		for _, m := range ms {
			ok, err := r.execOne(ctx, "UPDATE messages SET status = ?, attempts = attempts + 1, claimed_at = ?, send_started_at = NULL WHERE id = ? AND status = ?",
				parley.MsgSending, dbTime(now), m.ID, parley.MsgPending)
			if err != nil {
				return err
			}
			if ok {
				m.Status, m.Attempts = parley.MsgSending, m.Attempts+1
				claimed = append(claimed, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("claim outbound", err)
	}
	return claimed, nil
}

// StartSend records that the send of a claimed message begins: from now
// on its request may reach the platform. attempt names the claim (the
// message's Attempts when claimed); ECONFLICT if that claim is no longer
// the message's (its lease ran out and another node took it).
func (s *Store) StartSend(ctx context.Context, id string, attempt int, at time.Time) error {
	// In front (txbatch_front.go): the reply's send waits on it alone.
	ok, err := s.r().execOne(inFront(ctx), "UPDATE messages SET send_started_at = ? WHERE id = ? AND status = ? AND attempts = ?",
		dbTime(normTime(at)), id, parley.MsgSending, attempt)
	if err == nil && !ok {
		err = parley.Errorf(parley.ECONFLICT, "message %s is no longer claimed by attempt %d", id, attempt)
	}
	return wrap("start send", err)
}

// markSent records that the message went out with the platform's id. A
// message already marked delivered or read keeps that status.
func markSent(ctx context.Context, r runner, id, externalID string, at time.Time) error {
	ok, err := r.execOne(ctx, `UPDATE messages SET
		status = CASE WHEN status IN (?, ?) THEN status ELSE ? END,
		external_id = ?, sent_at = ?, error = '' WHERE id = ?`,
		parley.MsgDelivered, parley.MsgRead, parley.MsgSent, externalID, dbTime(at), id)
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "message %s already stored", externalID)
	}
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "message %s not found", id)
	}
	return err
}

// RecordSent stores a send the platform accepted in one transaction: the
// attempt a in the log, the message sent at a.At with externalID (the
// platform's id, "" for none; a.ExternalID is what the platform answered)
// and the event announce makes of the message as now stored. ECONFLICT if
// externalID is already another message's.
func (s *Store) RecordSent(ctx context.Context, a *parley.OutboundAttempt, externalID string, announce func(*parley.Message) *parley.Event) (*parley.Event, error) {
	a.At = normTime(a.At)
	if a.At.IsZero() {
		a.At = s.now()
	}
	var events []*parley.Event
	err := s.inTx(ctx, func(r runner) error {
		if err := addAttempt(ctx, r, a); err != nil {
			return err
		}
		if err := markSent(ctx, r, a.MessageID, externalID, a.At); err != nil {
			return err
		}
		m, err := scanMessage(r.queryRow(ctx, "SELECT "+messageCols+" FROM messages WHERE id = ?", a.MessageID))
		if err != nil {
			return err
		}
		events, err = s.appendAnnounced(ctx, r, []*parley.Message{m}, announce)
		return err
	})
	if err != nil || len(events) == 0 {
		return nil, wrap("record sent", err)
	}
	return events[0], nil
}

// MarkRetry returns a sending message to pending, due at next, keeping
// errText as its last error. ECONFLICT if the message is not sending.
func (s *Store) MarkRetry(ctx context.Context, id string, next time.Time, errText string) error {
	err := s.updateSending(ctx, id, []string{parley.MsgSending},
		"UPDATE messages SET status = ?, next_attempt_at = ?, error = ? WHERE id = ? AND status = ?",
		parley.MsgPending, dbTime(next), errText, id, parley.MsgSending)
	return wrap("mark retry", err)
}

// MarkFailed ends a pending or sending message as failed with errText.
// ECONFLICT if it is already sent or failed.
func (s *Store) MarkFailed(ctx context.Context, id, errText string) error {
	err := s.updateSending(ctx, id, []string{parley.MsgPending, parley.MsgSending},
		"UPDATE messages SET status = ?, error = ? WHERE id = ? AND status IN (?, ?)",
		parley.MsgFailed, errText, id, parley.MsgPending, parley.MsgSending)
	return wrap("mark failed", err)
}

// updateSending runs an update conditioned on the message's status and
// explains a miss: ENOTFOUND or ECONFLICT.
func (s *Store) updateSending(ctx context.Context, id string, from []string, query string, args ...any) error {
	ok, err := s.r().execOne(ctx, query, args...)
	if err != nil || ok {
		return err
	}
	var status string
	err = s.r().queryRow(ctx, "SELECT status FROM messages WHERE id = ?", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "message %s not found", id)
	}
	if err != nil {
		return err
	}
	return parley.Errorf(parley.ECONFLICT, "message %s is %s, not %s", id, status, strings.Join(from, " or "))
}

// InterruptedError is the error FailInterrupted records.
const InterruptedError = parley.MaybeSentPrefix + ": interrupted while sending; not retried so that the customer never gets it twice"

// interruptedSends are the replies claimed before a time (the parameter)
// and still being sent; it reads messages_sending (migration 0033).
const interruptedSends = "status = " + sendingSQL + " AND (claimed_at IS NULL OR claimed_at < ?)"

// FailInterrupted ends the claims older than claimedBefore (left by a
// process that stopped): a message whose send had begun (StartSend) may
// have gone out, so it is failed and never sent again; one whose send had
// not begun goes back to pending and is sent as usual. Younger claims are
// left alone, since a live node may be sending them right now. It returns
// how many it failed.
func (s *Store) FailInterrupted(ctx context.Context, claimedBefore time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(r runner) error {
		res, err := r.exec(ctx, `UPDATE messages SET status = ?, error = ?
			WHERE `+interruptedSends+` AND send_started_at IS NOT NULL`,
			parley.MsgFailed, InterruptedError, dbTime(claimedBefore))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = r.exec(ctx, `UPDATE messages SET status = ?, claimed_at = NULL
			WHERE `+interruptedSends+` AND send_started_at IS NULL`,
			parley.MsgPending, dbTime(claimedBefore))
		return err
	})
	return int(n), wrap("fail interrupted", err)
}

// AddAttempt logs one delivery attempt (At defaults to now).
func (s *Store) AddAttempt(ctx context.Context, a *parley.OutboundAttempt) error {
	a.At = normTime(a.At)
	if a.At.IsZero() {
		a.At = s.now()
	}
	return wrap("add attempt", addAttempt(ctx, s.r(), a))
}

func addAttempt(ctx context.Context, r runner, a *parley.OutboundAttempt) error {
	_, err := r.exec(ctx, `INSERT INTO outbound_attempts (message_id, attempt, attempted_at, error, external_id)
		VALUES (?, ?, ?, ?, ?)`, a.MessageID, a.Attempt, dbTime(a.At), a.Error, a.ExternalID)
	if isForeignKeyViolation(err) {
		return parley.Errorf(parley.ENOTFOUND, "message %s not found", a.MessageID)
	}
	return err
}

// Attempts returns the message's attempts in the order they were logged.
func (s *Store) Attempts(ctx context.Context, messageID string) ([]*parley.OutboundAttempt, error) {
	rows, err := s.r().query(ctx, `SELECT message_id, attempt, attempted_at, error, external_id
		FROM outbound_attempts WHERE message_id = ? ORDER BY id`, messageID)
	if err != nil {
		return nil, wrap("attempts", err)
	}
	as, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.OutboundAttempt, error) {
		var a parley.OutboundAttempt
		if err := sc.Scan(&a.MessageID, &a.Attempt, scanTime(&a.At), &a.Error, &a.ExternalID); err != nil {
			return nil, err
		}
		return &a, nil
	})
	return as, wrap("attempts", err)
}
