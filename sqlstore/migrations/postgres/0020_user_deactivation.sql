-- A deactivated user keeps their history (chats, reports, audit) but
-- cannot sign in; NULL is active. Microseconds since the epoch. Keep in
-- step with the other dialect's 0020.

ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
