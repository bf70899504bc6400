package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parleycc/parley"
)

// TestWrapMarksUnavailable: errors that say the database could not do the
// work just now come out of the store as parley.ErrUnavailable (retried,
// 503); errors about the work itself do not.
func TestWrapMarksUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"no write turn", fmt.Errorf("%w (waited 10s)", errNoWriteTurn), true},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"bad connection", fmt.Errorf("exec: %w", driver.ErrBadConn), true},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"cancelled", context.Canceled, false},
		{"plain", errors.New("no such table: chats"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := wrap("add message", tc.err)
			if got := errors.Is(err, parley.ErrUnavailable); got != tc.want {
				t.Fatalf("wrap(%v) unavailable = %v, want %v", tc.err, got, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("wrap(%v) lost the cause: %v", tc.err, err)
			}
			wantCode := parley.EINTERNAL
			if tc.want {
				wantCode = parley.EUNAVAILABLE
			}
			if code := parley.ErrorCode(err); code != wantCode {
				t.Errorf("code = %q, want %q", code, wantCode)
			}
		})
	}
}
