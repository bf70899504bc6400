-- Transcript search's index (messages_fts) was written by a trigger in
-- the statement that stored each message. FTS5 writes a new segment for
-- every transaction that adds to it and merges segments as they pile up,
-- so that trigger cost an eighth of what one node could process (541
-- against 481 messages a second, docs/BENCHMARKS.md). Messages are now
-- indexed in batches behind the writes (message_search.go):
-- message_search_mark holds the highest messages rowid indexed, and a
-- search first indexes whatever lies beyond it, so it still finds every
-- message stored before it began. Rowids only grow: messages are never
-- deleted by the application.
DROP TRIGGER messages_fts_ai;
CREATE TABLE message_search_mark (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL
);
INSERT INTO message_search_mark (id, upto) SELECT 1, COALESCE(MAX(rowid), 0) FROM messages;
-- A message beyond the mark is not in the index yet: the batch that
-- indexes it reads its text then.
DROP TRIGGER messages_fts_au;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages
    WHEN new.rowid <= (SELECT upto FROM message_search_mark) BEGIN
    DELETE FROM messages_fts WHERE message_id = old.id;
    INSERT INTO messages_fts (text, chat_id, message_id)
        SELECT new.text, new.chat_id, new.id WHERE new.text <> '' AND new.kind <> 'action';
END;
