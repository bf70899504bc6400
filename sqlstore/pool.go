package sqlstore

import (
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// poolIdle is how many idle connections the pool keeps. database/sql
// keeps two unless told otherwise, so under parallel work (inbound lanes,
// routing, live reads) every connection past the second was closed when
// handed back and a new one opened for the next statement: on SQLite each
// new connection runs the pragmas and parses the whole schema, on
// PostgreSQL it is a new backend, and with either its prepared statements
// are lost.
//
// SQLite keeps more (sqliteIdle): its connections are cheap to keep and
// dear to open, and bursts of reads (the outbox reads 32 chats at once,
// the agents' replies arrive together) went past 16. At 400 messages a
// second a node closed and reopened some 25 connections a second, and
// parsing the schema and re-preparing statements on them took a seventh
// of its CPU.
//
// On PostgreSQL the URL's pool_max_conns bounds the open connections:
// unbounded, one node under a load harness's 200 messages a second
// opened past the server's max_connections (100 by default) and
// answered 503s, and with 20 it processed twice as fast. It is opt-in
// until more multi-node runs have had it.
const (
	poolIdle        = 16
	sqliteIdle      = 128
	poolMaxIdleTime = 5 * time.Minute
)

// sizePool sets db's limits; maxOpen 0 leaves the open connections
// unbounded (SQLite).
func sizePool(db *sql.DB, d *dialect, maxOpen int) {
	idle := poolIdle
	if !d.pg() {
		idle = sqliteIdle
	}
	if maxOpen > 0 {
		idle = min(idle, maxOpen)
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(idle)
	db.SetConnMaxIdleTime(poolMaxIdleTime)
}

// poolMaxConns takes the pool_max_conns parameter (pgx's name for it) out
// of a postgres:// URL and returns the URL without it and the bound (0,
// none, when absent). A key=value connection string is returned as it
// is, unbounded.
func poolMaxConns(dsn string) (string, int, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn, 0, nil
	}
	q := u.Query()
	raw, set := q["pool_max_conns"]
	if !set {
		return dsn, 0, nil
	}
	n, err := strconv.Atoi(raw[0])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("pool_max_conns %q: want a whole number of connections, at least 1", raw[0])
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}
