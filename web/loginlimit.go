package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// loginPolicy is how many failed logins within a window lock a subject,
// and for how long.
type loginPolicy struct {
	max    int
	window time.Duration
	lock   time.Duration
}

// The limits on failed logins: per account (tenant and username, known or
// not, so that answers do not reveal which exist) and per client address.
var (
	accountPolicy = loginPolicy{max: 5, window: 15 * time.Minute, lock: 15 * time.Minute}
	addressPolicy = loginPolicy{max: 20, window: 15 * time.Minute, lock: 15 * time.Minute}
)

// fail counts one failure in l at now and locks l when it reaches the
// maximum. A window that ended, or a lock that ran out, starts afresh.
func (p loginPolicy) fail(l *parley.LoginLimit, now time.Time) {
	expired := l.WindowStart.IsZero() || now.Sub(l.WindowStart) >= p.window
	if expired || !l.LockedUntil.IsZero() && !now.Before(l.LockedUntil) {
		l.Failures, l.WindowStart, l.LockedUntil = 0, now, time.Time{}
	}
	l.Failures++
	if l.Failures >= p.max {
		l.Failures, l.LockedUntil = 0, now.Add(p.lock)
	}
}

// loginSubjects names the records a login attempt counts against.
type loginSubjects struct {
	account, address string
}

// subjectsOf returns the subjects of a login attempt: the account named by
// tenant and username, and the client's address (the connection's, since
// headers can be forged).
func subjectsOf(r *http.Request, tenant, username string) loginSubjects {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return loginSubjects{
		account: "account:" + strconv.Quote(tenant) + ":" + strconv.Quote(username),
		address: "address:" + host,
	}
}

// loginLock returns when the latest current lock of the subjects ends, or
// the zero time when neither is locked; hadFailures reports whether the
// account has failures on record.
func (s *Server) loginLock(ctx context.Context, subj loginSubjects, now time.Time) (until time.Time, hadFailures bool, err error) {
	limits, err := s.Store.LoginLimits(ctx, subj.account, subj.address)
	if err != nil {
		return time.Time{}, false, err
	}
	for _, l := range limits {
		if now.Before(l.LockedUntil) && l.LockedUntil.After(until) {
			until = l.LockedUntil
		}
		hadFailures = hadFailures || l.Subject == subj.account
	}
	return until, hadFailures, nil
}

// loginFailed counts a failed login against both subjects and returns when
// the lock it caused ends (zero if it caused none).
func (s *Server) loginFailed(ctx context.Context, subj loginSubjects, now time.Time) (time.Time, error) {
	var until time.Time
	for subject, p := range map[string]loginPolicy{subj.account: accountPolicy, subj.address: addressPolicy} {
		err := s.Store.UpdateLoginLimit(ctx, subject, func(l *parley.LoginLimit) {
			p.fail(l, now)
			if l.LockedUntil.After(until) {
				until = l.LockedUntil
			}
		})
		if err != nil {
			return time.Time{}, fmt.Errorf("count failed login: %w", err)
		}
	}
	return until, nil
}

// loginSucceeded clears the account's failures.
func (s *Server) loginSucceeded(ctx context.Context, subj loginSubjects) error {
	err := s.Store.UpdateLoginLimit(ctx, subj.account, func(l *parley.LoginLimit) {
		*l = parley.LoginLimit{Subject: l.Subject}
	})
	if err != nil {
		return fmt.Errorf("reset failed logins: %w", err)
	}
	return nil
}

// refuseLogin counts a failed login and answers it: 401, or 429 when
// this failure locked the account or the address.
func (s *Server) refuseLogin(w http.ResponseWriter, r *http.Request, subj loginSubjects, now time.Time) {
	until, err := s.loginFailed(r.Context(), subj, now)
	switch {
	case err != nil:
		s.writeError(w, r, err)
	case !until.IsZero():
		s.refuseLocked(w, r, until, now)
	default:
		s.writeError(w, r, parley.Errorf(parley.EUNAUTHORIZED, "wrong username or password"))
	}
}

// refuseLocked answers 429 with Retry-After and a message saying when to
// try again.
func (s *Server) refuseLocked(w http.ResponseWriter, r *http.Request, until, now time.Time) {
	wait := until.Sub(now)
	secs := int((wait + time.Second - 1) / time.Second)
	mins := (secs + 59) / 60
	unit := "minutes"
	if mins == 1 {
		unit = "minute"
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, parley.Errorf(parley.ETOOMANY,
		"too many failed logins: sign-in is locked; try again at %s UTC (in %d %s)", until.UTC().Format("15:04"), mins, unit))
}
