package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// PutFile stores f and sets f.ID, f.Size and f.CreatedAt.
func (s *Store) PutFile(ctx context.Context, f *parley.File) error {
	id, err := newID()
	if err != nil {
		return wrap("put file", err)
	}
	at := s.now()
	data := f.Data
	if data == nil {
		data = []byte{}
	}
	_, err = s.r().exec(ctx, `INSERT INTO files (id, tenant_id, name, content_type, size, source_url, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, f.TenantID, f.Name, f.ContentType, int64(len(data)), f.SourceURL, data, dbTime(at))
	if err != nil {
		return wrap("put file", err)
	}
	f.ID, f.Size, f.CreatedAt = id, int64(len(data)), at
	return nil
}

// File returns the file with its data.
func (s *Store) File(ctx context.Context, id string) (*parley.File, error) {
	var f parley.File
	err := s.r().queryRow(ctx, `SELECT id, tenant_id, name, content_type, size, source_url, data, created_at
		FROM files WHERE id = ?`, id).Scan(&f.ID, &f.TenantID, &f.Name, &f.ContentType, &f.Size, &f.SourceURL, &f.Data, scanTime(&f.CreatedAt))
	if err != nil {
		return nil, wrap("file", notFound(err, "file", id))
	}
	return &f, nil
}

// FileUses returns the tenant's messages whose payload references the
// file: attachments carry it as "file_id":"<id>" (ids are UUIDs, so they
// hold no LIKE wildcard; others match nothing).
func (s *Store) FileUses(ctx context.Context, tenantID, id string) ([]parley.FileUse, error) {
	if strings.ContainsAny(id, `%_\"`) {
		return nil, nil
	}
	rows, err := s.r().query(ctx, `SELECT id, chat_id, agent_id FROM messages
		WHERE tenant_id = ? AND payload LIKE ? ORDER BY created_at, id LIMIT 100`,
		tenantID, `%"file_id":"`+id+`"%`)
	if err != nil {
		return nil, wrap("file uses", err)
	}
	defer rows.Close()
	var out []parley.FileUse
	for rows.Next() {
		var u parley.FileUse
		if err := rows.Scan(&u.MessageID, &u.ChatID, &u.AgentID); err != nil {
			return nil, wrap("file uses", err)
		}
		out = append(out, u)
	}
	return out, wrap("file uses", rows.Err())
}

// statusRank orders outbound statuses so receipts only move them forward.
func statusRank(status string) int {
	switch status {
	case parley.MsgSent:
		return 1
	case parley.MsgDelivered:
		return 2
	case parley.MsgRead:
		return 3
	}
	return 0
}

// MarkReceipt raises the status of the customer's sent outbound messages
// named in mids or sent at or before watermark, and returns those changed.
func (s *Store) MarkReceipt(ctx context.Context, customerID, status string, mids []string, watermark time.Time) ([]*parley.Message, error) {
	if status != parley.MsgDelivered && status != parley.MsgRead {
		return nil, parley.Errorf(parley.EINVALID, "receipt status must be delivered or read, not %q", status)
	}
	lower := []string{parley.MsgSent}
	if status == parley.MsgRead {
		lower = append(lower, parley.MsgDelivered)
	}
	var conds []string
	var args []any
	if len(mids) > 0 {
		conds = append(conds, "m.external_id IN (?"+strings.Repeat(", ?", len(mids)-1)+")")
		for _, id := range mids {
			args = append(args, id)
		}
	}
	if !watermark.IsZero() {
		conds = append(conds, "m.sent_at <= ?")
		args = append(args, dbTime(watermark))
	}
	if len(conds) == 0 {
		return nil, nil
	}
	query := "SELECT " + prefixed("m.", messageCols) + ` FROM messages m JOIN chats c ON c.id = m.chat_id
		WHERE c.customer_id = ? AND m.direction = ? AND m.status IN (?` + strings.Repeat(", ?", len(lower)-1) + `)
		AND (` + strings.Join(conds, " OR ") + `) ORDER BY m.chat_id, m.seq`
	qargs := []any{customerID, parley.Outbound}
	for _, l := range lower {
		qargs = append(qargs, l)
	}
	qargs = append(qargs, args...)
	var changed []*parley.Message
	err := s.inTx(ctx, func(r runner) error {
		changed = nil
		rows, err := r.query(ctx, query, qargs...)
		if err != nil {
			return err
		}
		ms, err := collect(rows, scanMessage)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if statusRank(m.Status) >= statusRank(status) {
				continue
			}
			ok, err := r.execOne(ctx, "UPDATE messages SET status = ? WHERE id = ? AND status = ?", status, m.ID, m.Status)
			if err != nil {
				return err
			}
			if ok {
				m.Status = status
				changed = append(changed, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("mark receipt", err)
	}
	return changed, nil
}

// prefixed qualifies every column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// SetAccountHealth records the result of a health check.
func (s *Store) SetAccountHealth(ctx context.Context, h *parley.AccountHealth) error {
	h.CheckedAt = normTime(h.CheckedAt)
	if h.CheckedAt.IsZero() {
		h.CheckedAt = s.now()
	}
	_, err := s.r().exec(ctx, `INSERT INTO account_health
		(account_id, checked_at, token_ok, subscribed, resubscribed, page_name, error) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET checked_at = excluded.checked_at, token_ok = excluded.token_ok,
			subscribed = excluded.subscribed, resubscribed = excluded.resubscribed,
			page_name = excluded.page_name, error = excluded.error`,
		h.AccountID, dbTime(h.CheckedAt), boolInt(h.TokenOK), boolInt(h.Subscribed), boolInt(h.Resubscribed), h.PageName, h.Error)
	return wrap("set account health", err)
}

// AccountHealth returns the last check of the account.
func (s *Store) AccountHealth(ctx context.Context, accountID string) (*parley.AccountHealth, error) {
	h := parley.AccountHealth{AccountID: accountID}
	var tok, sub, resub int
	err := s.r().queryRow(ctx, `SELECT checked_at, token_ok, subscribed, resubscribed, page_name, error
		FROM account_health WHERE account_id = ?`, accountID).Scan(scanTime(&h.CheckedAt), &tok, &sub, &resub, &h.PageName, &h.Error)
	if err != nil {
		return nil, wrap("account health", notFound(err, "health of account", accountID))
	}
	h.TokenOK, h.Subscribed, h.Resubscribed = tok != 0, sub != 0, resub != 0
	return &h, nil
}

// SetServiceChatAccount sets or clears the service's outbound chat account.
func (s *Store) SetServiceChatAccount(ctx context.Context, serviceID, accountID string) error {
	var err error
	if accountID == "" {
		_, err = s.r().exec(ctx, "DELETE FROM service_chat_accounts WHERE service_id = ?", serviceID)
	} else {
		_, err = s.r().exec(ctx, `INSERT INTO service_chat_accounts (service_id, account_id) VALUES (?, ?)
			ON CONFLICT (service_id) DO UPDATE SET account_id = excluded.account_id`, serviceID, accountID)
	}
	return wrap("set service chat account", err)
}

// ServiceChatAccount returns the service's chat account id, "" if none.
func (s *Store) ServiceChatAccount(ctx context.Context, serviceID string) (string, error) {
	var id string
	err := s.r().queryRow(ctx, "SELECT account_id FROM service_chat_accounts WHERE service_id = ?", serviceID).Scan(&id)
	if err != nil {
		if parley.ErrorCode(notFound(err, "", "")) == parley.ENOTFOUND {
			return "", nil
		}
		return "", wrap("service chat account", err)
	}
	return id, nil
}
