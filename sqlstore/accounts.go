package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/parleycc/parley"
)

const accountCols = `id, tenant_id, name, type, page_id, page_username, access_token,
	app_secret, verify_token, api_base_url, active, status_reason, updated_at, human_agent, settings`

func scanAccount(sc interface{ Scan(...any) error }) (*parley.Account, error) {
	var a parley.Account
	var active, human int
	var settings string
	err := sc.Scan(&a.ID, &a.TenantID, &a.Name, &a.Type, &a.PageID, &a.PageUsername, &a.AccessToken,
		&a.AppSecret, &a.VerifyToken, &a.APIBaseURL, &active, &a.StatusReason, scanTime(&a.UpdatedAt), &human, &settings)
	if err != nil {
		return nil, err
	}
	a.Active, a.HumanAgent = active != 0, human != 0
	if settings != "" {
		if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
			return nil, fmt.Errorf("account %s settings: %w", a.ID, err)
		}
	}
	return &a, nil
}

// settingsJSON stores an account's channel settings; none is "".
func settingsJSON(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UpsertAccount creates or updates the account with a.TenantID and a.Name,
// storing every field as given (Active included), and sets a.ID and
// a.UpdatedAt. ECONFLICT if another account of the same type already has
// the page id, in any tenant.
func (s *Store) UpsertAccount(ctx context.Context, a *parley.Account) error {
	id, err := newID()
	if err != nil {
		return wrap("upsert account", err)
	}
	at := s.now()
	sealed, err := s.sealAccount(a)
	if err != nil {
		return wrap("upsert account", err)
	}
	err = s.inTx(ctx, func(r runner) error {
		a := sealed
		err := r.queryRow(ctx, `INSERT INTO accounts (`+accountCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, name) DO UPDATE SET
				type = excluded.type, page_id = excluded.page_id,
				page_username = excluded.page_username, access_token = excluded.access_token,
				app_secret = excluded.app_secret, verify_token = excluded.verify_token,
				api_base_url = excluded.api_base_url, active = excluded.active,
				status_reason = excluded.status_reason, updated_at = excluded.updated_at,
				human_agent = excluded.human_agent, settings = excluded.settings
			RETURNING id`,
			id, a.TenantID, a.Name, a.Type, a.PageID, a.PageUsername, a.AccessToken,
			a.AppSecret, a.VerifyToken, a.APIBaseURL, boolInt(a.Active), a.StatusReason, dbTime(at), boolInt(a.HumanAgent), settingsJSON(a.Settings),
		).Scan(&a.ID)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.ECONFLICT, "account %q: another %s account already has page id %s", a.Name, a.Type, a.PageID)
		}
		return err
	})
	if err == nil {
		a.ID, a.UpdatedAt = sealed.ID, at
	}
	return wrap("upsert account", err)
}

// Account returns the account with the id.
func (s *Store) Account(ctx context.Context, id string) (*parley.Account, error) {
	a, err := scanAccount(s.r().queryRow(ctx, "SELECT "+accountCols+" FROM accounts WHERE id = ?", id))
	if err != nil {
		return nil, wrap("account", notFound(err, "account", id))
	}
	return a, wrap("account", s.openAccount(a))
}

// AccountsByType lists the accounts of one channel type in all tenants,
// ordered by tenant and name.
func (s *Store) AccountsByType(ctx context.Context, channelType string) ([]*parley.Account, error) {
	as, err := s.accounts(ctx, "SELECT "+accountCols+" FROM accounts WHERE type = ? ORDER BY tenant_id, name", channelType)
	return as, wrap("accounts by type", err)
}

// Accounts lists the tenant's accounts ordered by name.
func (s *Store) Accounts(ctx context.Context, tenantID string) ([]*parley.Account, error) {
	as, err := s.accounts(ctx, "SELECT "+accountCols+" FROM accounts WHERE tenant_id = ? ORDER BY name", tenantID)
	return as, wrap("accounts", err)
}

func (s *Store) accounts(ctx context.Context, query string, args ...any) ([]*parley.Account, error) {
	rows, err := s.r().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	as, err := collect(rows, scanAccount)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if err := s.openAccount(a); err != nil {
			return nil, err
		}
	}
	return as, nil
}

// SetAccountStatus marks the account active or inactive, with the reason
// the platform gave.
func (s *Store) SetAccountStatus(ctx context.Context, id string, active bool, reason string) error {
	ok, err := s.r().execOne(ctx, "UPDATE accounts SET active = ?, status_reason = ?, updated_at = ? WHERE id = ?",
		boolInt(active), reason, dbTime(s.now()), id)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "account %s not found", id)
	}
	return wrap("set account status", err)
}

// DeleteAccount deletes the account. Its customers, chats and messages
// are history and stay.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	return wrap("delete account", s.deleteByID(ctx, "accounts", "account", id))
}

// deleteByID deletes the row of table with the id; ENOTFOUND if none.
func (s *Store) deleteByID(ctx context.Context, table, what, id string) error {
	ok, err := s.r().execOne(ctx, "DELETE FROM "+table+" WHERE id = ?", id)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "%s %s not found", what, id)
	}
	return err
}

// scanOne scans a row of one column, for collect.
func scanOne[T any](sc interface{ Scan(...any) error }) (T, error) {
	var v T
	return v, sc.Scan(&v)
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
