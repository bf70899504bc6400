package sqlstore

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// On SQLite the transcripts' full-text index (messages_fts) is written
// behind the messages, in batches, instead of by a trigger in every
// insert (migration 0032 says why). message_search_mark holds the highest
// messages rowid indexed; rowids only grow, so what lies beyond the mark
// is exactly what is not indexed yet. A goroutine indexes it every
// searchIndexInterval, and SearchTranscripts indexes it before it
// searches, so a search finds every message stored before it began.
//
// PostgreSQL indexes a generated tsvector column with GIN, whose pending
// list already batches the work; it has no indexer.
//
// Each indexing transaction writes an FTS5 segment, and FTS5 merges
// segments as they pile up, so how often it runs matters: at 600 messages
// a second, every 250 ms (at most 512 messages a transaction) made the
// webhook → agent p99 3 to 20 times longer and every 2 s (8,192) twice
// as long as every second (4,096) (docs/BENCHMARKS.md).
const (
	searchIndexInterval = time.Second
	// searchIndexBatch bounds the messages one write transaction indexes
	// (Store.searchBatch): a long backlog (an upgrade, a restore) is
	// indexed a few seconds' worth at a time, so the writes queued behind
	// it are not held up for long.
	searchIndexBatch = 4096
)

// searchIndexer runs indexMessages every searchIndexInterval.
type searchIndexer struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func (s *Store) startSearchIndexer() *searchIndexer {
	x := &searchIndexer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(x.done)
		t := time.NewTicker(searchIndexInterval)
		defer t.Stop()
		for {
			select {
			case <-x.stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := s.indexMessages(ctx); err != nil {
				// Retried at the next tick; a search indexes what it needs.
				slog.Warn("sqlstore: indexing messages for search", "err", err)
			}
			cancel()
		}
	}()
	return x
}

// close stops the goroutine. Safe to call twice.
func (x *searchIndexer) close() {
	x.once.Do(func() {
		close(x.stop)
		<-x.done
	})
}

// indexMessages adds the messages beyond the mark to messages_fts, in
// transactions of at most searchIndexBatch messages. It only reads when
// there is nothing to index. A no-op on PostgreSQL.
func (s *Store) indexMessages(ctx context.Context) error {
	if s.d.pg() {
		return nil
	}
	for {
		behind, err := s.searchIndexBehind(ctx)
		if err != nil || !behind {
			return wrap("index messages for search", err)
		}
		if err := s.inTx(ctx, func(r runner) error { return indexMessageBatch(ctx, r, s.searchBatch) }); err != nil {
			return wrap("index messages for search", err)
		}
	}
}

// searchIndexBehind reports whether messages were stored beyond the mark.
// It runs on the pool directly, uncounted: the index's upkeep is not one
// of a request's statements (Queries).
func (s *Store) searchIndexBehind(ctx context.Context) (bool, error) {
	var behind bool
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(rowid) FROM messages), 0) >
		(SELECT upto FROM message_search_mark WHERE id = 1)`).Scan(&behind)
	return behind, err
}

// indexMessageBatch indexes up to limit rowids beyond the mark
// and moves the mark past them, in r's write transaction: the mark and
// the index move together, so no message is indexed twice or skipped,
// whoever else indexes at the same time.
func indexMessageBatch(ctx context.Context, r runner, limit int64) error {
	r.n = nil // uncounted, as in searchIndexBehind
	var upto, top int64
	if err := r.queryRow(ctx, "SELECT upto FROM message_search_mark WHERE id = 1").Scan(&upto); err != nil {
		return err
	}
	if err := r.queryRow(ctx, "SELECT COALESCE(MAX(rowid), 0) FROM messages").Scan(&top); err != nil {
		return err
	}
	if top <= upto {
		return nil
	}
	end := min(top, upto+limit)
	if _, err := r.exec(ctx, `INSERT INTO messages_fts (text, chat_id, message_id)
		SELECT text, chat_id, id FROM messages
		WHERE rowid > ? AND rowid <= ? AND text <> '' AND kind <> 'action' ORDER BY rowid`, upto, end); err != nil {
		return err
	}
	_, err := r.exec(ctx, "UPDATE message_search_mark SET upto = ? WHERE id = 1", end)
	return err
}
