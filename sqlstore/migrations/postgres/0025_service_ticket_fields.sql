-- A service declares the extra fields its ticket form asks (a JSON list
-- of parley.TicketField); answers go into tickets.fields (0022). Keep in
-- step with the other dialect's 0025.

ALTER TABLE services ADD COLUMN ticket_fields TEXT NOT NULL DEFAULT '[]';
