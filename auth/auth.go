// Package auth signs users in and out: password check, sessions, and the
// limits on failed logins per account and per client address. The web
// layer turns its answers into cookies and HTTP statuses.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
)

// SessionTTL is how long a session lasts.
const SessionTTL = 12 * time.Hour

// Store is what signing in reads and writes.
type Store interface {
	UserByUsername(ctx context.Context, tenantID, username string) (*parley.User, error)
	User(ctx context.Context, id string) (*parley.User, error)
	CreateSession(ctx context.Context, s *parley.Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (*parley.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	UserSessions(ctx context.Context, userID string, now time.Time) ([]*parley.Session, error)
	DeleteUserSession(ctx context.Context, userID, tokenHash string) error
	LoginLimits(ctx context.Context, subjects ...string) ([]*parley.LoginLimit, error)
	UpdateLoginLimit(ctx context.Context, subject string, fn func(*parley.LoginLimit)) error
}

// Service signs users in and out.
type Service struct {
	store Store
	clock parley.Clock
	// dummy is compared against for unknown users, so timing does not
	// reveal which usernames exist; made once, at the first need.
	dummy func() []byte
}

// New returns the service; a nil clock is the wall clock.
func New(store Store, clock parley.Clock) *Service {
	if clock == nil {
		clock = parley.SystemClock{}
	}
	return &Service{store: store, clock: clock, dummy: sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("parley-dummy-password"), bcrypt.DefaultCost) // fails only on over-long input
		return h
	})}
}

// Attempt is one login.
type Attempt struct {
	Tenant, Username, Password string
	// Address is the client's address (the connection's: headers can be
	// forged), which failures are counted against too.
	Address string
	// UserAgent is the browser's name for itself, kept with the session
	// so that its user can tell their sessions apart.
	UserAgent string
}

// Login is a successful sign-in: the user and the session's secret token.
type Login struct {
	User      *parley.User
	Token     string
	ExpiresAt time.Time
}

// LockedError refuses a login while the account or the address is locked
// after too many failures; its code is ETOOMANY.
type LockedError struct {
	Until time.Time
	Wait  time.Duration
}

func (e *LockedError) Error() string {
	mins := int((e.Wait + time.Minute - time.Nanosecond) / time.Minute)
	unit := "minutes"
	if mins == 1 {
		unit = "minute"
	}
	return fmt.Sprintf("too many failed logins: sign-in is locked; try again at %s UTC (in %d %s)", e.Until.UTC().Format("15:04"), mins, unit)
}

// Unwrap makes the error a parley ETOOMANY with the same message.
func (e *LockedError) Unwrap() error { return parley.Errorf(parley.ETOOMANY, "%s", e.Error()) }

// SignIn checks the password and opens a session. EUNAUTHORIZED for a
// wrong username or password; a *LockedError (ETOOMANY) while locked,
// even with the right password; EFORBIDDEN for a deactivated user.
func (s *Service) SignIn(ctx context.Context, a Attempt) (*Login, error) {
	if a.Tenant == "" {
		a.Tenant = parley.DefaultTenant
	}
	now := s.clock.Now()
	subj := subjects{account: "account:" + strconv.Quote(a.Tenant) + ":" + strconv.Quote(a.Username), address: "address:" + a.Address}
	locked, hadFailures, err := s.lock(ctx, subj, now)
	if err != nil {
		return nil, err
	} else if !locked.IsZero() {
		return nil, &LockedError{Until: locked, Wait: locked.Sub(now)}
	}
	u, err := s.store.UserByUsername(ctx, a.Tenant, a.Username)
	var hash []byte
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, fmt.Errorf("sign in: %w", err)
	} else {
		hash = s.dummy()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(a.Password)) != nil || u == nil {
		return nil, s.refuse(ctx, subj, now)
	}
	if hadFailures {
		if err := s.succeeded(ctx, subj); err != nil {
			return nil, err
		}
	}
	if !u.Active() {
		// Said only to whoever knows the password.
		return nil, parley.Errorf(parley.EFORBIDDEN, "this account was deactivated; ask an administrator")
	}
	return s.open(ctx, u, a, now)
}

// open starts a session for u.
func (s *Service) open(ctx context.Context, u *parley.User, a Attempt, now time.Time) (*Login, error) {
	token := make([]byte, 32)
	_, _ = rand.Read(token) // crypto/rand never fails on supported platforms
	raw := base64.RawURLEncoding.EncodeToString(token)
	sess := &parley.Session{TokenHash: hashToken(raw), UserID: u.ID, TenantID: u.TenantID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL),
		Address: a.Address, UserAgent: truncate(a.UserAgent, 200)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	return &Login{User: u, Token: raw, ExpiresAt: sess.ExpiresAt}, nil
}

// User returns the user of a session token; EUNAUTHORIZED when it is
// unknown or expired.
func (s *Service) User(ctx context.Context, token string) (*parley.User, error) {
	sess, err := s.store.Session(ctx, hashToken(token), s.clock.Now())
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "session expired; log in again")
	} else if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	u, err := s.store.User(ctx, sess.UserID)
	if err != nil {
		return nil, fmt.Errorf("session user: %w", err)
	}
	return u, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if err := s.store.DeleteSession(ctx, hashToken(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// SessionInfo is one of a user's sessions as the user sees it. ID is the
// hash of its token: it names the session without being able to open it.
type SessionInfo struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Address   string    `json:"address"`
	UserAgent string    `json:"user_agent"`
	Current   bool      `json:"current"` // the session asking
}

// Sessions lists the live sessions of token's user, newest first.
func (s *Service) Sessions(ctx context.Context, u *parley.User, token string) ([]SessionInfo, error) {
	ss, err := s.store.UserSessions(ctx, u.ID, s.clock.Now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	current := hashToken(token)
	out := make([]SessionInfo, 0, len(ss))
	for _, x := range ss {
		out = append(out, SessionInfo{ID: x.TokenHash, CreatedAt: x.CreatedAt, ExpiresAt: x.ExpiresAt, Address: x.Address,
			UserAgent: x.UserAgent, Current: x.TokenHash == current})
	}
	return out, nil
}

// Revoke ends one of u's sessions by its id; ENOTFOUND if u has none such.
func (s *Service) Revoke(ctx context.Context, u *parley.User, id string) error {
	return s.store.DeleteUserSession(ctx, u.ID, id)
}

func truncate(s string, n int) string {
	for i := range s {
		if i > n {
			return s[:i]
		}
	}
	return s
}

func hashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}
