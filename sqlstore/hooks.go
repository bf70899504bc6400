package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/secrets"
)

// Outgoing webhook subscriptions and their delivery log (package hooks).

const hookCols = `id, tenant_id, name, url, secret, events, allow_private, active, cursor_event, failures,
	next_attempt_at, last_error, last_success_at, created_at, updated_at, version`

func scanHookRow(sc interface{ Scan(...any) error }) (*parley.HookSubscription, error) {
	var h parley.HookSubscription
	var events string
	var private, active int
	if err := sc.Scan(&h.ID, &h.TenantID, &h.Name, &h.URL, &h.Secret, &events, &private, &active, &h.Cursor, &h.Failures,
		scanTime(&h.NextAttemptAt), &h.LastError, scanTime(&h.LastSuccessAt), scanTime(&h.CreatedAt), scanTime(&h.UpdatedAt), &h.Version); err != nil {
		return nil, err
	}
	h.AllowPrivate, h.Active = private != 0, active != 0
	if err := json.Unmarshal([]byte(events), &h.Events); err != nil {
		return nil, fmt.Errorf("hook %s events: %w", h.ID, err)
	}
	return &h, nil
}

// hookSecretField names webhook secrets to the keyring.
const hookSecretField = "hook_secret"

// scanHook reads a subscription and opens its secret.
func (s *Store) scanHook(sc interface{ Scan(...any) error }) (*parley.HookSubscription, error) {
	h, err := scanHookRow(sc)
	if err != nil {
		return nil, err
	}
	if s.keys == nil {
		if secrets.Sealed(h.Secret) {
			return nil, parley.Errorf(parley.EINTERNAL, "webhook %s: its secret is encrypted and this server has no key (set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE)", h.Name)
		}
		return h, nil
	}
	if h.Secret, err = s.keys.Open(hookSecretField, h.Secret); err != nil {
		return nil, fmt.Errorf("webhook %s secret: %w", h.Name, err)
	}
	return h, nil
}

// sealHookSecret is what the secret column stores: sealed when the
// store has a keyring (like accounts' credentials), else as given.
func (s *Store) sealHookSecret(plain string) (string, error) {
	if s.keys == nil {
		return plain, nil
	}
	return s.keys.Seal(hookSecretField, plain)
}

// CreateHook stores a new subscription and sets its ID, times and Version.
// Its cursor is the caller's (the tenant's newest event: a new subscription
// receives what happens from now on). ECONFLICT if the name is taken.
func (s *Store) CreateHook(ctx context.Context, h *parley.HookSubscription) error {
	id, err := newID()
	if err != nil {
		return err
	}
	secret, err := s.sealHookSecret(h.Secret)
	if err != nil {
		return err
	}
	t := s.now()
	_, err = s.r().exec(ctx, `INSERT INTO hook_subscriptions (`+hookCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, '', NULL, ?, ?, 1)`,
		id, h.TenantID, h.Name, h.URL, secret, tagsJSON(h.Events), boolInt(h.AllowPrivate), boolInt(h.Active), h.Cursor, dbTime(t), dbTime(t))
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "a webhook named %q exists already", h.Name)
	}
	if err != nil {
		return wrap("create hook", err)
	}
	h.ID, h.CreatedAt, h.UpdatedAt, h.Version = id, t, t, 1
	return nil
}

// UpdateHook saves what an admin edits (name, URL, events, private
// targets, active; the secret too when h.Secret is not empty: a
// configuration file declares it) if h.Version is the stored version; ECONFLICT if
// someone else saved first. Re-activating resets the failure count so the
// next attempt is now.
func (s *Store) UpdateHook(ctx context.Context, h *parley.HookSubscription) error {
	secret, err := s.sealHookSecret(h.Secret)
	if err != nil {
		return err
	}
	t := s.now()
	var version int
	err = s.r().queryRow(ctx, `UPDATE hook_subscriptions SET name = ?, url = ?, events = ?, allow_private = ?, active = ?,
			secret = CASE WHEN ? = '' THEN secret ELSE ? END,
			failures = CASE WHEN active = 0 AND ? = 1 THEN 0 ELSE failures END,
			next_attempt_at = CASE WHEN active = 0 AND ? = 1 THEN NULL ELSE next_attempt_at END,
			updated_at = ?, version = version + 1
		WHERE id = ? AND tenant_id = ? AND version = ? RETURNING version`,
		h.Name, h.URL, tagsJSON(h.Events), boolInt(h.AllowPrivate), boolInt(h.Active), secret, secret, boolInt(h.Active), boolInt(h.Active),
		dbTime(t), h.ID, h.TenantID, h.Version).Scan(&version)
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "a webhook named %q exists already", h.Name)
	}
	if errors.Is(err, sql.ErrNoRows) {
		cur, gerr := s.Hook(ctx, h.TenantID, h.ID)
		if gerr != nil {
			return gerr
		}
		return parley.Errorf(parley.ECONFLICT, "webhook %q was changed by someone else (version %d, yours %d): reload it", cur.Name, cur.Version, h.Version)
	}
	if err != nil {
		return wrap("update hook", err)
	}
	h.Version, h.UpdatedAt = version, t
	return nil
}

// DeleteHook removes a subscription and its delivery log.
func (s *Store) DeleteHook(ctx context.Context, tenantID, id string) error {
	err := s.inTx(ctx, func(r runner) error {
		res, err := r.exec(ctx, "DELETE FROM hook_subscriptions WHERE id = ? AND tenant_id = ?", id, tenantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return parley.Errorf(parley.ENOTFOUND, "webhook %s not found", id)
		}
		_, err = r.exec(ctx, "DELETE FROM hook_deliveries WHERE subscription_id = ?", id)
		return err
	})
	return wrap("delete hook", err)
}

// Hook returns one subscription of the tenant.
func (s *Store) Hook(ctx context.Context, tenantID, id string) (*parley.HookSubscription, error) {
	h, err := s.scanHook(s.r().queryRow(ctx, "SELECT "+hookCols+" FROM hook_subscriptions WHERE id = ? AND tenant_id = ?", id, tenantID))
	if err != nil {
		return nil, wrap("hook", notFound(err, "webhook", id))
	}
	return h, nil
}

// Hooks returns the tenant's subscriptions by name.
func (s *Store) Hooks(ctx context.Context, tenantID string) ([]*parley.HookSubscription, error) {
	return s.queryHooks(ctx, "SELECT "+hookCols+" FROM hook_subscriptions WHERE tenant_id = ? ORDER BY name", tenantID)
}

func (s *Store) queryHooks(ctx context.Context, q string, args ...any) ([]*parley.HookSubscription, error) {
	rows, err := s.r().query(ctx, q, args...)
	if err != nil {
		return nil, wrap("hooks", err)
	}
	defer rows.Close()
	var out []*parley.HookSubscription
	for rows.Next() {
		h, err := s.scanHook(rows)
		if err != nil {
			return nil, wrap("hooks", err)
		}
		out = append(out, h)
	}
	return out, wrap("hooks", rows.Err())
}

// LeaseDueHooks takes a lease until `until` on up to limit active
// subscriptions, of every tenant, that are due at now, have events after
// their cursor and are not leased by another node, and returns them. One node at a time delivers a
// subscription, so its events leave in order.
func (s *Store) LeaseDueHooks(ctx context.Context, holder string, now, until time.Time, limit int) ([]*parley.HookSubscription, error) {
	var out []*parley.HookSubscription
	err := s.inTx(ctx, func(r runner) error {
		rows, err := r.query(ctx, `SELECT id FROM hook_subscriptions
			WHERE active = 1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
			  AND (lease_until IS NULL OR lease_until <= ? OR lease_holder = ?)
			  AND cursor_event < (SELECT COALESCE(MAX(e.id), 0) FROM events e WHERE e.tenant_id = hook_subscriptions.tenant_id)
			ORDER BY id LIMIT ?`+s.d.forUpdateSkipLocked(), dbTime(now), dbTime(now), holder, limit)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			h, err := s.scanHook(r.queryRow(ctx, `UPDATE hook_subscriptions SET lease_holder = ?, lease_until = ?
				WHERE id = ? RETURNING `+hookCols, holder, dbTime(until), id))
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	return out, wrap("lease due hooks", err)
}

// ReleaseHook ends holder's lease on a subscription.
func (s *Store) ReleaseHook(ctx context.Context, id, holder string) error {
	_, err := s.r().exec(ctx, "UPDATE hook_subscriptions SET lease_holder = '', lease_until = NULL WHERE id = ? AND lease_holder = ?", id, holder)
	return wrap("release hook", err)
}

// AdvanceHook records the outcome of handling the events up to cursor in
// one transaction: the subscription's new cursor and failure state, and
// the delivery (if one was attempted) in the log. It changes nothing
// unless holder still holds the lease, and then reports false: another
// node took over and will deliver from the stored cursor.
func (s *Store) AdvanceHook(ctx context.Context, holder string, h *parley.HookSubscription, d *parley.HookDelivery) (bool, error) {
	held := false
	err := s.inTx(ctx, func(r runner) error {
		res, err := r.exec(ctx, `UPDATE hook_subscriptions SET cursor_event = ?, failures = ?, next_attempt_at = ?, last_error = ?,
				last_success_at = ? WHERE id = ? AND lease_holder = ?`,
			h.Cursor, h.Failures, dbTime(h.NextAttemptAt), h.LastError, dbTime(h.LastSuccessAt), h.ID, holder)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		held = true
		if d == nil {
			return nil
		}
		created := normTime(d.CreatedAt)
		if created.IsZero() {
			created = s.now()
		}
		return r.queryRow(ctx, `INSERT INTO hook_deliveries (tenant_id, subscription_id, event_id, event_type, chat_id, attempt,
				status_code, error, duration_us, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			h.TenantID, h.ID, d.EventID, d.EventType, d.ChatID, d.Attempt, d.StatusCode, d.Error, d.Duration.Microseconds(), dbTime(created)).Scan(&d.ID)
	})
	return held, wrap("advance hook", err)
}

// HookDeliveries returns a subscription's deliveries, newest first, with
// ids below before (0: from the newest).
func (s *Store) HookDeliveries(ctx context.Context, tenantID, subscriptionID string, before int64, limit int) ([]*parley.HookDelivery, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.r().query(ctx, `SELECT id, tenant_id, subscription_id, event_id, event_type, chat_id, attempt, status_code, error,
			duration_us, created_at FROM hook_deliveries
		WHERE subscription_id = ? AND tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, subscriptionID, tenantID, before, limit)
	if err != nil {
		return nil, wrap("hook deliveries", err)
	}
	defer rows.Close()
	var out []*parley.HookDelivery
	for rows.Next() {
		var d parley.HookDelivery
		var us int64
		if err := rows.Scan(&d.ID, &d.TenantID, &d.SubscriptionID, &d.EventID, &d.EventType, &d.ChatID, &d.Attempt, &d.StatusCode,
			&d.Error, &us, scanTime(&d.CreatedAt)); err != nil {
			return nil, wrap("hook deliveries", err)
		}
		d.Duration = time.Duration(us) * time.Microsecond
		out = append(out, &d)
	}
	return out, wrap("hook deliveries", rows.Err())
}
