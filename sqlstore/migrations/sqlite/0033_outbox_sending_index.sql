-- messages_outbox (status, next_attempt_at) held every message, the
-- customers' too, and each reply moved in it at every change of status
-- (pending, sending, sent): index upkeep in SQLite's one writer for every
-- message. Since 0031 the claim reads messages_pending; what still read
-- messages_outbox was the sweep of interrupted sends
-- (Store.FailInterrupted), which looks at the replies being sent only.
-- This index holds those alone. Keep in step with the other dialect's
-- 0033.
DROP INDEX messages_outbox;
CREATE INDEX messages_sending ON messages (claimed_at)
    WHERE status = 'sending';
