-- Issue 15 (hardening). Keep in step with the other dialect's file.

-- When the send of a claimed outbound message began (the request may have
-- left from then on). A claim left by a dead node is failed as "may have
-- been sent" only if its send began; otherwise it is simply sent again.
ALTER TABLE messages ADD COLUMN send_started_at BIGINT;
-- Claims left by a version that did not record the start are treated as
-- begun: they may have gone out.
UPDATE messages SET send_started_at = COALESCE(claimed_at, 0) WHERE status = 'sending';

-- Where and in which browser each session was opened, for the agent's
-- list of their sessions (GET /api/me/sessions).
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
