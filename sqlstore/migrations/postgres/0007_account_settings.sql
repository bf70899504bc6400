-- Channel-specific account properties (a JSON object of strings: a
-- Viber sender name, a Vonage application id, …), so a new channel needs
-- no new columns. Keep in step with the other dialect's
-- 0007_account_settings.sql.

ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '';
