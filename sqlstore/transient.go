package sqlstore

import (
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// errNoWriteTurn is a write batch's answer when no turn came in time
// (txbatch.go).
var errNoWriteTurn = errors.New("database is busy: no write turn in time")

// transient reports whether err says the database could not do the work
// just now rather than that the work is wrong: contention that outlasted
// the retries, a lost or refused connection, a server shutting down or
// out of connections. wrap marks such errors parley.ErrUnavailable so
// callers retry instead of recording a failure.
func transient(err error) bool {
	if isRetryable(err) || errors.Is(err, errNoWriteTurn) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		c := sqlErr.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case strings.HasPrefix(pgErr.Code, "53"): // insufficient resources (too many connections)
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutdown, crash, starting up
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err)
}
