package parley

import (
	"context"
	"time"
)

// LoginLimit is the record of failed logins of one subject: an account
// (tenant and username) or a client address. The rules that fill it live
// in the web layer.
type LoginLimit struct {
	Subject string
	// Failures counts the failures since WindowStart.
	Failures    int
	WindowStart time.Time
	// LockedUntil is when a lock ends; zero when not locked.
	LockedUntil time.Time
}

// LoginLimitStore keeps failed-login records, shared by every node.
type LoginLimitStore interface {
	// LoginLimits returns the records of those subjects that have one.
	LoginLimits(ctx context.Context, subjects ...string) ([]*LoginLimit, error)
	// UpdateLoginLimit runs fn on subject's record (a zero record when it
	// has none) in a transaction that holds it, and saves what fn leaves;
	// a record left without failures or lock is deleted.
	UpdateLoginLimit(ctx context.Context, subject string, fn func(*LoginLimit)) error
}
