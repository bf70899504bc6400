-- A customer's latest reply token (LINE): the next message to them goes
-- as a free reply while it is valid, taken once. Times are microseconds
-- since the epoch. Keep in step with the other dialect's 0019.

ALTER TABLE customers ADD COLUMN reply_token TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN reply_before BIGINT NOT NULL DEFAULT 0;
