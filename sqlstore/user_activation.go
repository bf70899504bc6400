package sqlstore

import (
	"context"
	"time"

	"github.com/parleycc/parley"
)

// SetUserDeactivated deactivates the user at at (their sessions end in
// the same transaction, so no request of theirs outlives it), or, with a
// zero at, reactivates them. ENOTFOUND for an unknown user.
func (s *Store) SetUserDeactivated(ctx context.Context, userID string, at time.Time) error {
	err := s.inTx(ctx, func(r runner) error {
		ok, err := r.execOne(ctx, "UPDATE users SET deactivated_at = ? WHERE id = ?", dbTime(normTime(at)), userID)
		if err != nil {
			return err
		}
		if !ok {
			return parley.Errorf(parley.ENOTFOUND, "user %s not found", userID)
		}
		if at.IsZero() {
			return nil
		}
		_, err = r.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
	return wrap("set user deactivated", err)
}

// DeleteUserSessions ends every session of the user (a password reset).
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.r().exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return wrap("delete user sessions", err)
}
