-- A service can be switched off (it takes no new chats) and has its own
-- hours of operation (a schedule's name; empty: always open) with the
-- message its entry sends when it is closed. Keep in step with the other
-- dialect's 0021.

ALTER TABLE services ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN schedule_name TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN after_hours_message TEXT NOT NULL DEFAULT '';
