package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

const (
	sessionCookie = "parley_session"
	sessionTTL    = 12 * time.Hour
)

// dummyHash makes a login for an unknown user cost as much as a wrong
// password, so timing does not reveal which usernames exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("parley-dummy-password"), bcrypt.DefaultCost)

type userKey struct{}

func userFrom(ctx context.Context) *parley.User {
	u, _ := ctx.Value(userKey{}).(*parley.User)
	return u
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Tenant   string `json:"tenant"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if req.Tenant == "" {
		req.Tenant = parley.DefaultTenant
	}
	now := s.Clock.Now()
	subj := subjectsOf(r, req.Tenant, req.Username)
	locked, hadFailures, err := s.loginLock(r.Context(), subj, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	} else if !locked.IsZero() {
		s.refuseLocked(w, r, locked, now) // even the right password waits
		return
	}
	u, err := s.Store.UserByUsername(r.Context(), req.Tenant, req.Username)
	hash := dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		s.writeError(w, r, err)
		return
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || u == nil {
		s.refuseLogin(w, r, subj, now)
		return
	}
	if hadFailures {
		if err := s.loginSucceeded(r.Context(), subj); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	token := make([]byte, 32)
	_, _ = rand.Read(token)
	raw := base64.RawURLEncoding.EncodeToString(token)
	sess := &parley.Session{TokenHash: hashToken(raw), UserID: u.ID, TenantID: u.TenantID, CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := s.Store.CreateSession(r.Context(), sess); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: raw, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	writeJSON(w, http.StatusOK, map[string]any{"user": conversation.UserView(u)})
}

// logout ends the session. An agent who was working signs off first, so
// nothing stays offered or assigned to someone who has left.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if u, err := s.sessionUser(r); err == nil && u.State != parley.StateOffline {
		if err := s.Conversations.SignOff(r.Context(), u); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

// sessionUser returns the logged-in user of the request, or an
// EUNAUTHORIZED error.
func (s *Server) sessionUser(r *http.Request) (*parley.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "not logged in")
	}
	sess, err := s.Store.Session(r.Context(), hashToken(c.Value), s.Clock.Now())
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "session expired; log in again")
	} else if err != nil {
		return nil, err
	}
	return s.Store.User(r.Context(), sess.UserID)
}

// withUser requires a logged-in user for an API handler.
func (s *Server) withUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

// withRole requires a logged-in user with one of the given roles.
func (s *Server) withRole(h http.HandlerFunc, roles ...string) http.HandlerFunc {
	return s.withUser(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r.Context())
		if !slices.Contains(roles, u.Role) {
			s.writeError(w, r, parley.Errorf(parley.EFORBIDDEN, "this needs the %s role", strings.Join(roles, " or ")))
			return
		}
		h(w, r)
	})
}

// withPageUser requires a logged-in user for a page, redirecting to the
// login page otherwise.
func (s *Server) withPageUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if parley.ErrorCode(err) == parley.EUNAUTHORIZED {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		} else if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

func hashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}
