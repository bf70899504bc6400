package sqlstore

import (
	"database/sql"
	"time"
)

// poolIdle is how many idle connections the pool keeps. database/sql
// keeps two unless told otherwise, so under parallel work (inbound lanes,
// routing, live reads) every connection past the second was closed when
// handed back and a new one opened for the next statement: on SQLite each
// new connection runs the pragmas and parses the whole schema, on
// PostgreSQL it is a new backend, and with either its prepared statements
// are lost. The number of open connections stays unlimited, as before.
const (
	poolIdle        = 16
	poolMaxIdleTime = 5 * time.Minute
)

// sizePool sets db's idle limits.
func sizePool(db *sql.DB) {
	db.SetMaxIdleConns(poolIdle)
	db.SetConnMaxIdleTime(poolMaxIdleTime)
}
