package sqlstore

import (
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// SQLite's writes all run on one connection of their own, the writer.
//
// A SQLite connection keeps the database pages it has read in its own
// cache, and throws the whole cache away when another connection has
// written since its last transaction. With writes spread over the pool,
// every write transaction began on a connection whose cache some other
// write had just emptied, and read each page of each B-tree it touched
// back from the file (a system call per page): a third of the server's
// CPU under load was page reads. Writes already run one at a time (the
// write batches, txbatch.go), so one connection loses nothing in parallelism, and its
// cache stays valid from one write to the next: the pages a write needs
// are those the last writes used. Reads stay on the pool.
//
// writerCacheKiB is the writer's page cache (SQLite's default is 2 MiB),
// sized for the pages the hot tables' recent rows and their indexes span.
const writerCacheKiB = 32 << 10

// openWriter opens the writer: source with a larger page cache, one
// connection, kept open. database/sql prepares a statement on a free
// connection, and the writer's is busy with the transaction that runs
// it, so a transaction runs a statement new to the writer unprepared and
// the writer prepares it once the transaction is over (wcache).
func openWriter(driver, source string) (*sql.DB, error) {
	sep := "?"
	if strings.Contains(source, "?") {
		sep = "&"
	}
	// temp_store(MEMORY) keeps the statement journal in memory: a write
	// batch runs each transaction in a savepoint (txbatch.go), whose
	// journal otherwise spills past 64 KiB to a temporary file created,
	// written and deleted for every batch.
	db, err := sql.Open(driver, source+sep+"_pragma=cache_size(-"+strconv.Itoa(writerCacheKiB)+")&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// wcache is the statement cache of the writer (the pool's on PostgreSQL).
func (s *Store) wcache() *stmtCache {
	if s.wdb == nil {
		return s.cache()
	}
	s.wstmtsOnce.Do(func() { s.wstmts = &stmtCache{db: s.wdb, later: &sync.Map{}} })
	return s.wstmts
}

// writeQuerier runs a write outside a transaction on the writer; nil on
// PostgreSQL, where the runner's own querier does.
func (s *Store) writeQuerier() querier {
	if s.wdb == nil {
		return nil
	}
	return cachedQuerier{c: s.wcache(), db: s.wdb}
}
