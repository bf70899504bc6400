package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/auth"
	"github.com/parleycc/parley/conversation"
)

const sessionCookie = "parley_session"

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
	in, err := s.Auth.SignIn(r.Context(), auth.Attempt{Tenant: req.Tenant, Username: req.Username, Password: req.Password, Address: clientAddress(r)})
	var locked *auth.LockedError
	if errors.As(err, &locked) {
		w.Header().Set("Retry-After", strconv.Itoa(int((locked.Wait+time.Second-1)/time.Second)))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: in.Token, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: in.ExpiresAt})
	writeJSON(w, http.StatusOK, map[string]any{"user": conversation.UserView(in.User)})
}

// clientAddress is the connection's address (headers can be forged).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
		if err := s.Auth.SignOut(r.Context(), c.Value); err != nil {
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
	return s.Auth.User(r.Context(), c.Value)
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
