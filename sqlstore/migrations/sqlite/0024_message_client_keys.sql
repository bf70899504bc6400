-- An agent's send carries a key its browser made for it: a request the
-- browser sends again (Chromium retries a POST whose connection closed
-- before the answer came) finds the message already stored under it
-- instead of storing and sending it twice. Keep in step with the other
-- dialect's 0024.

ALTER TABLE messages ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX messages_client_key ON messages (chat_id, client_key) WHERE client_key <> '';
