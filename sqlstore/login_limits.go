package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/parleycc/parley"
)

// LoginLimits returns the failed-login records of those subjects that have
// one.
func (s *Store) LoginLimits(ctx context.Context, subjects ...string) ([]*parley.LoginLimit, error) {
	if len(subjects) == 0 {
		return nil, nil
	}
	args := make([]any, len(subjects))
	for i, subj := range subjects {
		args[i] = subj
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(subjects)), ", ")
	rows, err := s.r().query(ctx, `SELECT subject, failures, window_start, locked_until FROM login_limits
		WHERE subject IN (`+marks+`) ORDER BY subject`, args...)
	if err != nil {
		return nil, wrap("login limits", err)
	}
	defer rows.Close()
	var out []*parley.LoginLimit
	for rows.Next() {
		var l parley.LoginLimit
		if err := rows.Scan(&l.Subject, &l.Failures, scanTime(&l.WindowStart), scanTime(&l.LockedUntil)); err != nil {
			return nil, wrap("login limits", err)
		}
		out = append(out, &l)
	}
	return out, wrap("login limits", rows.Err())
}

// UpdateLoginLimit runs fn on subject's record in a transaction that holds
// its row. The row is created first, so that two PostgreSQL nodes counting
// a subject's first failure at once serialize on it (SQLite's write
// transactions are serialized anyway).
func (s *Store) UpdateLoginLimit(ctx context.Context, subject string, fn func(*parley.LoginLimit)) error {
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, `INSERT INTO login_limits (subject) VALUES (?) ON CONFLICT (subject) DO NOTHING`, subject); err != nil {
			return err
		}
		l := parley.LoginLimit{Subject: subject}
		err := r.queryRow(ctx, "SELECT failures, window_start, locked_until FROM login_limits WHERE subject = ?"+s.d.forUpdate(), subject).
			Scan(&l.Failures, scanTime(&l.WindowStart), scanTime(&l.LockedUntil))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		fn(&l)
		if l.Failures <= 0 && l.LockedUntil.IsZero() {
			_, err = r.exec(ctx, "DELETE FROM login_limits WHERE subject = ?", subject)
			return err
		}
		_, err = r.exec(ctx, "UPDATE login_limits SET failures = ?, window_start = ?, locked_until = ? WHERE subject = ?",
			l.Failures, dbTime(l.WindowStart), dbTime(l.LockedUntil), subject)
		return err
	})
	return wrap("update login limit", err)
}
