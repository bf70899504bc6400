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
	in, err := s.Auth.SignIn(r.Context(), auth.Attempt{Tenant: req.Tenant, Username: req.Username, Password: req.Password, Address: clientAddress(r), UserAgent: r.UserAgent()})
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

// logout ends this browser's session. An agent who was working and has
// no other session left signs off, so nothing stays offered or assigned
// to someone who has left; logging out on one device leaves her working
// on another (an abandoned device is handled by presence: its desktop no
// longer connects).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	u, uerr := s.sessionUser(r)
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.SignOut(r.Context(), c.Value); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if uerr == nil {
		others, err := s.Auth.Sessions(r.Context(), u, "")
		if err == nil && len(others) == 0 {
			err = s.leave(r.Context(), u)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

// leave signs off a user whose last session ended: a working agent stops
// being offered chats, and supervisors see them away at once, not
// connected until the presence grace runs out.
func (s *Server) leave(ctx context.Context, u *parley.User) error {
	if u.State != parley.StateOffline {
		if err := s.Conversations.SignOff(ctx, u); err != nil {
			return err
		}
	}
	return s.Conversations.Gone(ctx, u)
}

// listSessions lists the user's live sessions (GET /api/me/sessions).
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) {
	token := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		token = c.Value
	}
	ss, err := s.Auth.Sessions(r.Context(), userFrom(r.Context()), token)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": ss})
}

// revokeSession ends one of the user's sessions, on whatever device
// (DELETE /api/me/sessions/{id}).
func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.Revoke(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
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

// withUser requires a logged-in user for an API handler: a browser
// session, or an API key (Authorization: Bearer).
func (s *Server) withUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.apiUser(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

// apiUser is who calls the API: the bearer key's user when the request
// carries one, else the session's.
func (s *Server) apiUser(r *http.Request) (*parley.User, error) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return s.sessionUser(r)
	}
	token, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok || s.Keys == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "the Authorization header must be \"Bearer <API key>\"")
	}
	return s.Keys.User(r.Context(), strings.TrimSpace(token))
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
