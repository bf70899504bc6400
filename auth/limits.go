package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// policy is how many failed logins within a window lock a subject, and for
// how long.
type policy struct {
	max    int
	window time.Duration
	lock   time.Duration
}

// The limits on failed logins: per account (tenant and username, known or
// not, so that answers do not reveal which exist) and per client address.
var (
	accountPolicy = policy{max: 5, window: 15 * time.Minute, lock: 15 * time.Minute}
	addressPolicy = policy{max: 20, window: 15 * time.Minute, lock: 15 * time.Minute}
)

// fail counts one failure in l at now and locks l when it reaches the
// maximum. A window that ended, or a lock that ran out, starts afresh.
func (p policy) fail(l *parley.LoginLimit, now time.Time) {
	expired := l.WindowStart.IsZero() || now.Sub(l.WindowStart) >= p.window
	if expired || !l.LockedUntil.IsZero() && !now.Before(l.LockedUntil) {
		l.Failures, l.WindowStart, l.LockedUntil = 0, now, time.Time{}
	}
	l.Failures++
	if l.Failures >= p.max {
		l.Failures, l.LockedUntil = 0, now.Add(p.lock)
	}
}

// subjects names the records a login attempt counts against.
type subjects struct {
	account, address string
}

// lock returns when the latest current lock of the subjects ends, or the
// zero time when neither is locked; hadFailures reports whether the
// account has failures on record.
func (s *Service) lock(ctx context.Context, subj subjects, now time.Time) (until time.Time, hadFailures bool, err error) {
	limits, err := s.store.LoginLimits(ctx, subj.account, subj.address)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read login limits: %w", err)
	}
	for _, l := range limits {
		if now.Before(l.LockedUntil) && l.LockedUntil.After(until) {
			until = l.LockedUntil
		}
		hadFailures = hadFailures || l.Subject == subj.account
	}
	return until, hadFailures, nil
}

// refuse counts a failed login against both subjects: EUNAUTHORIZED, or
// a *LockedError when this failure locked the account or the address.
func (s *Service) refuse(ctx context.Context, subj subjects, now time.Time) error {
	var until time.Time
	for subject, p := range map[string]policy{subj.account: accountPolicy, subj.address: addressPolicy} {
		err := s.store.UpdateLoginLimit(ctx, subject, func(l *parley.LoginLimit) {
			p.fail(l, now)
			if l.LockedUntil.After(until) {
				until = l.LockedUntil
			}
		})
		if err != nil {
			return fmt.Errorf("count failed login: %w", err)
		}
	}
	if !until.IsZero() {
		return &LockedError{Until: until, Wait: until.Sub(now)}
	}
	return parley.Errorf(parley.EUNAUTHORIZED, "wrong username or password")
}

// succeeded clears the account's failures.
func (s *Service) succeeded(ctx context.Context, subj subjects) error {
	err := s.store.UpdateLoginLimit(ctx, subj.account, func(l *parley.LoginLimit) {
		*l = parley.LoginLimit{Subject: l.Subject}
	})
	if err != nil {
		return fmt.Errorf("reset failed logins: %w", err)
	}
	return nil
}
