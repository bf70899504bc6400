package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

const userCols = `id, tenant_id, username, display_name, password_hash, role, capacity,
	state, state_since, idle_since, team_id`

// userColsU is userCols over alias u, whether the user is deactivated
// (which UpsertUser never changes) and the name of their team (alias tm,
// userFrom).
const userColsU = `u.id, u.tenant_id, u.username, u.display_name, u.password_hash, u.role,
	u.capacity, u.state, u.state_since, u.idle_since, u.deactivated_at,
	COALESCE(u.team_id, ''), COALESCE(tm.name, '')`

// userFrom is the users table as alias u with its team as alias tm.
const userFrom = "users u LEFT JOIN teams tm ON tm.id = u.team_id"

func scanUser(sc interface{ Scan(...any) error }) (*parley.User, error) {
	var u parley.User
	err := sc.Scan(&u.ID, &u.TenantID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.Capacity,
		&u.State, scanTime(&u.StateSince), scanTime(&u.IdleSince), scanTime(&u.DeactivatedAt), &u.TeamID, &u.TeamName)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UpsertUser creates or updates the user with u.TenantID and u.Username
// and sets u.ID. An empty PasswordHash keeps the stored one. The user's
// services become exactly u.ServiceIDs (EINVALID if one does not exist).
// State is not changed: a new user starts offline. u.State, u.StateSince
// and u.IdleSince are set to the stored values. The user's team becomes
// u.TeamID (none if empty; EINVALID if it does not exist).
func (s *Store) UpsertUser(ctx context.Context, u *parley.User) error {
	id, err := newID()
	if err != nil {
		return wrap("upsert user", err)
	}
	err = s.inTx(ctx, func(r runner) error {
		err := r.queryRow(ctx, `INSERT INTO users (`+userCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)
			ON CONFLICT (tenant_id, username) DO UPDATE SET
				display_name = excluded.display_name,
				password_hash = CASE WHEN excluded.password_hash = '' THEN users.password_hash ELSE excluded.password_hash END,
				role = excluded.role, capacity = excluded.capacity, team_id = excluded.team_id
			RETURNING id, state, state_since, idle_since`,
			id, u.TenantID, u.Username, u.DisplayName, u.PasswordHash, u.Role, u.Capacity, parley.StateOffline, nullIfEmpty(u.TeamID),
		).Scan(&u.ID, &u.State, scanTime(&u.StateSince), scanTime(&u.IdleSince))
		if isForeignKeyViolation(err) {
			return parley.Errorf(parley.EINVALID, "user %q: team %s not found", u.Username, u.TeamID)
		}
		if err != nil {
			return err
		}
		if _, err := r.exec(ctx, "DELETE FROM user_services WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, sid := range u.ServiceIDs {
			if seen[sid] {
				continue
			}
			seen[sid] = true
			_, err := r.exec(ctx, "INSERT INTO user_services (user_id, service_id) VALUES (?, ?)", u.ID, sid)
			if isForeignKeyViolation(err) {
				return parley.Errorf(parley.EINVALID, "user %q: service %s not found", u.Username, sid)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("upsert user", err)
}

// User returns the user with the id, with their services.
func (s *Store) User(ctx context.Context, id string) (*parley.User, error) {
	us, err := s.users(ctx, "u.id = ?", id)
	if err == nil && len(us) == 0 {
		err = parley.Errorf(parley.ENOTFOUND, "user %s not found", id)
	}
	if err != nil {
		return nil, wrap("user", err)
	}
	return us[0], nil
}

// UserDisplayName returns the user's display name alone: a lookup by
// primary key, where User also reads their services and routing row.
func (s *Store) UserDisplayName(ctx context.Context, id string) (string, error) {
	var name string
	err := s.r().queryRow(ctx, "SELECT display_name FROM users WHERE id = ?", id).Scan(&name)
	return name, wrap("user display name", notFound(err, "user", id))
}

// UserByUsername returns the tenant's user with the username.
func (s *Store) UserByUsername(ctx context.Context, tenantID, username string) (*parley.User, error) {
	us, err := s.users(ctx, "u.tenant_id = ? AND u.username = ?", tenantID, username)
	if err == nil && len(us) == 0 {
		err = parley.Errorf(parley.ENOTFOUND, "user %s not found", username)
	}
	if err != nil {
		return nil, wrap("user by username", err)
	}
	return us[0], nil
}

// Users lists the tenant's users ordered by username.
func (s *Store) Users(ctx context.Context, tenantID string) ([]*parley.User, error) {
	us, err := s.users(ctx, "u.tenant_id = ?", tenantID)
	return us, wrap("users", err)
}

// users selects users matching where (over alias u), ordered by username,
// with their service ids.
func (s *Store) users(ctx context.Context, where string, args ...any) ([]*parley.User, error) {
	// The services ride along in one column: one statement per lookup,
	// which every API request makes (the session's user).
	rows, err := s.r().query(ctx, "SELECT "+userColsU+", COALESCE((SELECT "+s.d.stringAgg("us.service_id")+
		" FROM user_services us WHERE us.user_id = u.id), '') FROM "+userFrom+" WHERE "+where+" ORDER BY u.username", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (*parley.User, error) {
		var services string
		u, err := scanUser(extraScan{sc, []any{&services}})
		if err != nil || services == "" {
			return u, err
		}
		u.ServiceIDs = strings.Split(services, ",")
		slices.Sort(u.ServiceIDs)
		return u, nil
	})
}

// extraScan scans into the destinations of a row scanner, then into more.
type extraScan struct {
	sc   interface{ Scan(...any) error }
	more []any
}

func (e extraScan) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.more...)...) }

// DeleteUser deletes the user, their memberships and sessions. Chats they
// handled keep their id.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return wrap("delete user", s.deleteByID(ctx, "users", "user", id))
}

const sessionCols = "token_hash, user_id, tenant_id, created_at, expires_at, address, user_agent"

func scanSession(sc interface{ Scan(...any) error }) (*parley.Session, error) {
	var ss parley.Session
	err := sc.Scan(&ss.TokenHash, &ss.UserID, &ss.TenantID, scanTime(&ss.CreatedAt), scanTime(&ss.ExpiresAt), &ss.Address, &ss.UserAgent)
	if err != nil {
		return nil, err
	}
	return &ss, nil
}

// CreateSession stores the session (CreatedAt defaults to now) and drops
// sessions that have expired by then.
func (s *Store) CreateSession(ctx context.Context, ss *parley.Session) error {
	if ss.TokenHash == "" {
		return parley.Errorf(parley.EINVALID, "session token hash required")
	}
	ss.CreatedAt = normTime(ss.CreatedAt)
	if ss.CreatedAt.IsZero() {
		ss.CreatedAt = s.now()
	}
	ss.ExpiresAt = normTime(ss.ExpiresAt)
	if ss.ExpiresAt.IsZero() {
		return parley.Errorf(parley.EINVALID, "session expiry required")
	}
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", dbTime(ss.CreatedAt)); err != nil {
			return err
		}
		_, err := r.exec(ctx, "INSERT INTO sessions ("+sessionCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			ss.TokenHash, ss.UserID, ss.TenantID, dbTime(ss.CreatedAt), dbTime(ss.ExpiresAt), ss.Address, ss.UserAgent)
		switch {
		case isUniqueViolation(err):
			return parley.Errorf(parley.ECONFLICT, "session exists")
		case isForeignKeyViolation(err):
			return parley.Errorf(parley.ENOTFOUND, "user %s not found", ss.UserID)
		}
		return err
	})
	return wrap("create session", err)
}

// Session returns the session with the token hash if it expires after
// now; ENOTFOUND otherwise.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (*parley.Session, error) {
	ss, err := scanSession(s.r().queryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE token_hash = ? AND expires_at > ?",
		tokenHash, dbTime(now)))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, parley.Errorf(parley.ENOTFOUND, "session not found")
		}
		return nil, wrap("session", err)
	}
	return ss, nil
}

// UserSessions lists the user's unexpired sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID string, now time.Time) ([]*parley.Session, error) {
	rows, err := s.r().query(ctx, "SELECT "+sessionCols+` FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY created_at DESC, token_hash`, userID, dbTime(now))
	if err != nil {
		return nil, wrap("user sessions", err)
	}
	ss, err := collect(rows, scanSession)
	return ss, wrap("user sessions", err)
}

// DeleteUserSession ends one of the user's sessions.
func (s *Store) DeleteUserSession(ctx context.Context, userID, tokenHash string) error {
	ok, err := s.r().execOne(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash = ?", userID, tokenHash)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "session not found")
	}
	return wrap("delete user session", err)
}

// DeleteSession deletes the session; deleting a missing one is not an
// error, so logging out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.r().exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
	return wrap("delete session", err)
}
