-- A customer's message is stored before it is shown and given to the
-- scenario. When the database fails in between, the inbound event is
-- handled again and finds the message already stored: handled = 0 tells
-- it to finish the work instead of taking it for a redelivery. Messages
-- stored before this migration were handled. Keep in step with the other
-- dialect's 0026.

ALTER TABLE messages ADD COLUMN handled INTEGER NOT NULL DEFAULT 1;
