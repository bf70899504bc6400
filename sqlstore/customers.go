package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

const customerCols = `id, tenant_id, account_id, external_id, first_name, last_name, profile_pic,
	profile_fetched_at, last_message_at, created_at, follow_up`

func scanCustomer(sc interface{ Scan(...any) error }) (*parley.Customer, error) {
	var c parley.Customer
	err := sc.Scan(&c.ID, &c.TenantID, &c.AccountID, &c.ExternalID, &c.FirstName, &c.LastName, &c.ProfilePic,
		scanTime(&c.ProfileFetchedAt), scanTime(&c.LastMessageAt), scanTime(&c.CreatedAt), &c.FollowUp)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// EnsureCustomer returns the customer of (c.AccountID, c.ExternalID),
// creating it from c (CreatedAt defaulting to now) when new; created tells
// which happened. c itself is not modified.
func (s *Store) EnsureCustomer(ctx context.Context, c *parley.Customer) (*parley.Customer, bool, error) {
	if c.AccountID == "" || c.ExternalID == "" {
		return nil, false, parley.Errorf(parley.EINVALID, "customer account and external id required")
	}
	// Nearly every event comes from a customer already stored: one read
	// finds them, with no write transaction (SQLite's one writer) for it.
	cust, err := scanCustomer(s.r().queryRow(ctx, "SELECT "+customerCols+" FROM customers WHERE account_id = ? AND external_id = ?",
		c.AccountID, c.ExternalID))
	switch {
	case err == nil:
		return cust, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, wrap("ensure customer", err)
	}
	id, err := newID()
	if err != nil {
		return nil, false, wrap("ensure customer", err)
	}
	created := normTime(c.CreatedAt)
	if created.IsZero() {
		created = s.now()
	}
	var isNew bool
	err = s.inTx(ctx, func(r runner) error {
		var got string
		err := r.queryRow(ctx, `INSERT INTO customers (`+customerCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_id, external_id) DO NOTHING RETURNING id`,
			id, c.TenantID, c.AccountID, c.ExternalID, c.FirstName, c.LastName, c.ProfilePic,
			dbTime(c.ProfileFetchedAt), dbTime(c.LastMessageAt), dbTime(created), c.FollowUp).Scan(&got)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			isNew = false
		case err != nil:
			return err
		default:
			isNew = true
		}
		cust, err = scanCustomer(r.queryRow(ctx, "SELECT "+customerCols+" FROM customers WHERE account_id = ? AND external_id = ?",
			c.AccountID, c.ExternalID))
		return err
	})
	if err != nil {
		return nil, false, wrap("ensure customer", err)
	}
	return cust, isNew, nil
}

// Customer returns the customer with the id.
func (s *Store) Customer(ctx context.Context, id string) (*parley.Customer, error) {
	c, err := scanCustomer(s.r().queryRow(ctx, "SELECT "+customerCols+" FROM customers WHERE id = ?", id))
	if err != nil {
		return nil, wrap("customer", notFound(err, "customer", id))
	}
	return c, nil
}

// UpdateCustomerProfile stores the profile the platform returned at time at.
func (s *Store) UpdateCustomerProfile(ctx context.Context, id, first, last, pic string, at time.Time) error {
	ok, err := s.r().execOne(ctx, `UPDATE customers SET first_name = ?, last_name = ?, profile_pic = ?,
		profile_fetched_at = ? WHERE id = ?`, first, last, pic, dbTime(at), id)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "customer %s not found", id)
	}
	return wrap("update customer profile", err)
}

// touchChatCustomer records the time of the latest message of the chat's
// customer. It never moves LastMessageAt back, so events processed out of
// order are harmless.
func touchChatCustomer(ctx context.Context, r runner, chatID string, lastMessageAt time.Time) error {
	at := dbTime(lastMessageAt)
	ok, err := r.execOne(ctx, `UPDATE customers SET last_message_at =
		CASE WHEN last_message_at IS NULL OR last_message_at < ? THEN ? ELSE last_message_at END
		WHERE id = (SELECT customer_id FROM chats WHERE id = ?)`, at, at, chatID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "the customer of chat %s not found", chatID)
	}
	return err
}

// SearchCustomers returns up to limit customers of the account whose name
// contains query, case-insensitively, most recently heard from first.
func (s *Store) SearchCustomers(ctx context.Context, accountID, query string, limit int) ([]*parley.CustomerMatch, error) {
	if limit <= 0 {
		limit = 20
	}
	pattern := "%" + likeEscape(strings.ToLower(strings.TrimSpace(query))) + "%"
	rows, err := s.r().query(ctx, `SELECT `+customerCols+`,
		EXISTS (SELECT 1 FROM chats WHERE chats.customer_id = customers.id AND chats.state <> 'closed')
		FROM customers WHERE account_id = ?
		AND LOWER(first_name || ' ' || last_name) LIKE ? ESCAPE '\'
		ORDER BY last_message_at IS NULL, last_message_at DESC, id LIMIT ?`, accountID, pattern, limit)
	if err != nil {
		return nil, wrap("search customers", err)
	}
	defer rows.Close()
	out := []*parley.CustomerMatch{}
	for rows.Next() {
		var open bool
		c, err := scanCustomer(scanPlus{rows, &open})
		if err != nil {
			return nil, wrap("search customers", err)
		}
		out = append(out, &parley.CustomerMatch{Customer: c, OpenChat: open})
	}
	return out, wrap("search customers", rows.Err())
}

// scanPlus scans a row's leading columns into what the wrapped scan
// asks for and the trailing ones into extra.
type scanPlus struct {
	rows  interface{ Scan(...any) error }
	extra *bool
}

func (p scanPlus) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.extra)...) }
