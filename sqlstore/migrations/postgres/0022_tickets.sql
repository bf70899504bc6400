-- Tickets (issue 14): a customer's case filed from a chat (the webview
-- form) or by an agent, its history, and the customer's consent to be
-- messaged about it. Keep in step with the other dialect's 0022.

CREATE TABLE tickets (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    number      BIGINT NOT NULL,
    service_id  TEXT NOT NULL DEFAULT '',
    chat_id     TEXT NOT NULL DEFAULT '',
    customer_id TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    fields      TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL,
    assignee_id TEXT NOT NULL DEFAULT '',
    follow_up   TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, number)
);
CREATE INDEX tickets_updated ON tickets (tenant_id, updated_at, id);
CREATE INDEX tickets_chat ON tickets (chat_id);
CREATE INDEX tickets_customer ON tickets (customer_id);

CREATE TABLE ticket_entries (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    ticket_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    author_id  TEXT NOT NULL DEFAULT '',
    from_value TEXT NOT NULL DEFAULT '',
    to_value   TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL
);
CREATE INDEX ticket_entries_ticket ON ticket_entries (ticket_id, id);

-- A customer's last answer to "may we message you about your case?".
ALTER TABLE customers ADD COLUMN follow_up TEXT NOT NULL DEFAULT '';

-- The key that signs links given to customers (the webview ticket form);
-- made on first use.
ALTER TABLE tenants ADD COLUMN link_key TEXT NOT NULL DEFAULT '';
