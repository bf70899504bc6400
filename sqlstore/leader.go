package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// leaderPing is how often a PostgreSQL leader checks that the session
// holding its advisory lock is alive.
const leaderPing = 2 * time.Second

// localLeaders holds the leaderships of SQLite stores: one process owns a
// SQLite file, so leadership only has to be unique within it.
var localLeaders sync.Map // "<store pointer>/<key>" → struct{}

// Leadership takes the routing leadership of key if no one holds it.
//
// On PostgreSQL it is a session-level advisory lock on a connection kept
// for the purpose: if the node dies or its connection breaks, PostgreSQL
// releases the lock and another node takes over on its next try; the
// holder notices a broken connection within leaderPing and closes lost.
// On SQLite leadership is unique within the process.
func (s *Store) Leadership(ctx context.Context, key string) (bool, <-chan struct{}, func(), error) {
	lost := make(chan struct{})
	if !s.d.pg() {
		k := fmt.Sprintf("%p/%s", s, key)
		if _, taken := localLeaders.LoadOrStore(k, struct{}{}); taken {
			return false, nil, nil, nil
		}
		var once sync.Once
		return true, lost, func() { once.Do(func() { localLeaders.Delete(k); close(lost) }) }, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, nil, nil, wrap("leadership", err)
	}
	var ok bool
	err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtextextended('parley-routing:' || current_schema() || ':' || $1, 0))", key).Scan(&ok)
	if err != nil || !ok {
		_ = conn.Close()
		return false, nil, nil, wrap("leadership", err)
	}
	stop := make(chan struct{})
	var once sync.Once
	release := func() {
		once.Do(func() {
			close(stop)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock_all()")
			_ = conn.Close()
		})
	}
	go func() {
		defer close(lost)
		t := time.NewTicker(leaderPing)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				pctx, cancel := context.WithTimeout(context.Background(), leaderPing)
				err := conn.PingContext(pctx)
				cancel()
				if err != nil {
					return
				}
			}
		}
	}()
	return true, lost, release, nil
}
