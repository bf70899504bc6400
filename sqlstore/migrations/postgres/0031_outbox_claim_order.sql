-- The outbox claims the oldest due replies first (Store.ClaimOutbound).
-- Through messages_outbox (status, next_attempt_at) the claim read every
-- pending reply and sorted them all before taking the first few, so each
-- claim grew with the backlog: under load it took more than a quarter of
-- SQLite's writer. This index holds the pending replies in the order the
-- claim takes them, which it walks until it has enough. The claim names
-- the status as a literal (partial_literals.go). Keep in step with the
-- other dialect's 0031.
CREATE INDEX messages_pending ON messages (created_at, id)
    WHERE status = 'pending';
