package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parleycc/parley"
)

// Tickets, their history and the tenant's link key (issue 14; migration
// 0022).

const ticketCols = `id, tenant_id, number, service_id, chat_id, customer_id, subject, description, fields, status,
	assignee_id, follow_up, created_at, updated_at, version`

const defaultTicketPage = 50

func scanTicket(sc interface{ Scan(...any) error }) (*parley.Ticket, error) {
	t := &parley.Ticket{}
	var fields string
	if err := sc.Scan(&t.ID, &t.TenantID, &t.Number, &t.ServiceID, &t.ChatID, &t.CustomerID, &t.Subject, &t.Description,
		&fields, &t.Status, &t.AssigneeID, &t.FollowUp, scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt), &t.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return nil, fmt.Errorf("ticket %s fields: %w", t.ID, err)
	}
	return t, nil
}

func fieldsJSON(m map[string]string) (string, error) {
	if m == nil {
		m = map[string]string{}
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// CreateTicket stores t with the tenant's next case number. The tenant's
// row is locked while the number is taken, so concurrent tickets get
// consecutive numbers on both databases.
func (s *Store) CreateTicket(ctx context.Context, t *parley.Ticket, first *parley.TicketEntry) error {
	fields, err := fieldsJSON(t.Fields)
	if err != nil {
		return wrap("create ticket", err)
	}
	id, err := newID()
	if err != nil {
		return wrap("create ticket", err)
	}
	now := s.now()
	if t.Status == "" {
		t.Status = parley.TicketNew
	}
	err = s.inTx(ctx, func(r runner) error {
		var tenant string
		if err := r.queryRow(ctx, "SELECT id FROM tenants WHERE id = ?"+s.d.forUpdate(), t.TenantID).Scan(&tenant); err != nil {
			return notFound(err, "tenant", t.TenantID)
		}
		var number int64
		if err := r.queryRow(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE tenant_id = ?", t.TenantID).Scan(&number); err != nil {
			return err
		}
		if _, err := r.exec(ctx, "INSERT INTO tickets ("+ticketCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
			id, t.TenantID, number, t.ServiceID, t.ChatID, t.CustomerID, t.Subject, t.Description, fields, t.Status,
			t.AssigneeID, t.FollowUp, dbTime(now), dbTime(now)); err != nil {
			return err
		}
		t.ID, t.Number, t.CreatedAt, t.UpdatedAt, t.Version = id, number, now, now, 1
		if first == nil {
			return nil
		}
		first.TicketID = id
		return s.insertTicketEntry(ctx, r, t.TenantID, first)
	})
	return wrap("create ticket", err)
}

// Ticket returns the tenant's ticket with the id.
func (s *Store) Ticket(ctx context.Context, tenantID, id string) (*parley.Ticket, error) {
	t, err := scanTicket(s.r().queryRow(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ? AND tenant_id = ?", id, tenantID))
	return t, wrap("ticket", notFound(err, "ticket", id))
}

// Tickets returns one page of the filter's tickets, most recently changed
// first, and how many match in all.
func (s *Store) Tickets(ctx context.Context, f parley.TicketFilter) ([]*parley.Ticket, int, error) {
	where, args := ticketWhere(f)
	var total int
	if err := s.r().queryRow(ctx, "SELECT COUNT(*) FROM tickets WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap("tickets", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultTicketPage
	}
	rows, err := s.r().query(ctx, "SELECT "+ticketCols+" FROM tickets WHERE "+where+
		" ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, wrap("tickets", err)
	}
	ts, err := collect(rows, scanTicket)
	return ts, total, wrap("tickets", err)
}

func ticketWhere(f parley.TicketFilter) (string, []any) {
	where, args := "tenant_id = ?", []any{f.TenantID}
	if len(f.Statuses) > 0 {
		where += " AND status IN (" + placeholders(len(f.Statuses)) + ")"
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	for _, c := range []struct {
		col, v string
	}{{"assignee_id", f.AssigneeID}, {"customer_id", f.CustomerID}, {"chat_id", f.ChatID}} {
		if c.v != "" {
			where, args = where+" AND "+c.col+" = ?", append(args, c.v)
		}
	}
	if f.Services != nil {
		where += " AND (service_id = ''"
		if len(f.Services) > 0 {
			where += " OR service_id IN (" + placeholders(len(f.Services)) + ")"
			for _, id := range f.Services {
				args = append(args, id)
			}
		}
		where += ")"
	}
	if f.Number > 0 {
		where, args = where+" AND number = ?", append(args, f.Number)
	}
	return where, args
}

// UpdateTicket saves t's changeable fields if t.Version is current, with
// the entries recording the change.
func (s *Store) UpdateTicket(ctx context.Context, t *parley.Ticket, entries ...*parley.TicketEntry) error {
	fields, err := fieldsJSON(t.Fields)
	if err != nil {
		return wrap("update ticket", err)
	}
	now := s.now()
	err = s.inTx(ctx, func(r runner) error {
		ok, err := r.execOne(ctx, `UPDATE tickets SET subject = ?, description = ?, fields = ?, status = ?, assignee_id = ?,
				follow_up = ?, service_id = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND tenant_id = ? AND version = ?`,
			t.Subject, t.Description, fields, t.Status, t.AssigneeID, t.FollowUp, t.ServiceID, dbTime(now), t.ID, t.TenantID, t.Version)
		if err != nil {
			return err
		}
		if !ok {
			cur, err := scanTicket(r.queryRow(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ? AND tenant_id = ?", t.ID, t.TenantID))
			if err != nil {
				return notFound(err, "ticket", t.ID)
			}
			return parley.Errorf(parley.ECONFLICT, "case #%d was changed by someone else (version %d, yours %d): reload it",
				cur.Number, cur.Version, t.Version)
		}
		for _, e := range entries {
			e.TicketID = t.ID
			if err := s.insertTicketEntry(ctx, r, t.TenantID, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return wrap("update ticket", err)
	}
	t.Version++
	t.UpdatedAt = now
	return nil
}

// AddTicketEntry appends one entry to a ticket's history.
func (s *Store) AddTicketEntry(ctx context.Context, tenantID string, e *parley.TicketEntry) error {
	return wrap("add ticket entry", s.insertTicketEntry(ctx, s.r(), tenantID, e))
}

func (s *Store) insertTicketEntry(ctx context.Context, r runner, tenantID string, e *parley.TicketEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = normTime(e.At)
	return r.queryRow(ctx, `INSERT INTO ticket_entries (tenant_id, ticket_id, kind, author_id, from_value, to_value, text, message_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tenantID, e.TicketID, e.Kind, e.AuthorID, e.From, e.To, e.Text, e.MessageID, dbTime(e.At)).Scan(&e.ID)
}

// TicketEntries lists a ticket's history, oldest first.
func (s *Store) TicketEntries(ctx context.Context, tenantID, ticketID string) ([]*parley.TicketEntry, error) {
	rows, err := s.r().query(ctx, `SELECT id, ticket_id, kind, author_id, from_value, to_value, text, message_id, at
		FROM ticket_entries WHERE tenant_id = ? AND ticket_id = ? ORDER BY id`, tenantID, ticketID)
	if err != nil {
		return nil, wrap("ticket entries", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.TicketEntry, error) {
		e := &parley.TicketEntry{}
		return e, sc.Scan(&e.ID, &e.TicketID, &e.Kind, &e.AuthorID, &e.From, &e.To, &e.Text, &e.MessageID, scanTime(&e.At))
	})
	return out, wrap("ticket entries", err)
}

// SetCustomerFollowUp records the customer's follow-up consent.
func (s *Store) SetCustomerFollowUp(ctx context.Context, customerID, consent string) error {
	ok, err := s.r().execOne(ctx, "UPDATE customers SET follow_up = ? WHERE id = ?", consent, customerID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "customer %s not found", customerID)
	}
	return wrap("set customer follow-up", err)
}

// LinkKey returns the tenant's link-signing key, making a random one the
// first time (the first writer wins; everyone reads the stored one).
func (s *Store) LinkKey(ctx context.Context, tenantID string) ([]byte, error) {
	var key string
	err := s.r().queryRow(ctx, "SELECT link_key FROM tenants WHERE id = ?", tenantID).Scan(&key)
	if err != nil {
		return nil, wrap("link key", notFound(err, "tenant", tenantID))
	}
	if key == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, wrap("link key", err)
		}
		if _, err := s.r().exec(ctx, "UPDATE tenants SET link_key = ? WHERE id = ? AND link_key = ''", hex.EncodeToString(b), tenantID); err != nil {
			return nil, wrap("link key", err)
		}
		if err := s.r().queryRow(ctx, "SELECT link_key FROM tenants WHERE id = ?", tenantID).Scan(&key); err != nil {
			return nil, wrap("link key", err)
		}
	}
	b, err := hex.DecodeString(key)
	if err != nil || len(b) < 16 {
		return nil, wrap("link key", errors.Join(errors.New("stored key is malformed"), err))
	}
	return b, nil
}
