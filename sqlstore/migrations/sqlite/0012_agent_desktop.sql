-- Agent Desktop (issue 10): canned responses, each service's dispositions
-- and screen pop, each chat's wrap-up, each customer's contact fields.
-- Keep in step with the other dialect's 0012_agent_desktop.sql.

CREATE TABLE canned_responses (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    scope       TEXT NOT NULL,             -- global, service, personal
    service_id  TEXT NOT NULL DEFAULT '',
    owner_id    TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    shortcut    TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    extras      TEXT NOT NULL DEFAULT '',  -- JSON: attachments, quick replies, buttons
    from_config INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, scope, service_id, owner_id, shortcut)
);

CREATE TABLE service_desk (
    service_id           TEXT PRIMARY KEY,
    dispositions         TEXT NOT NULL DEFAULT '',  -- JSON array
    disposition_required INTEGER NOT NULL DEFAULT 0,
    screen_pop_url       TEXT NOT NULL DEFAULT '',
    screen_pop_mode      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE chat_wrapups (
    chat_id     TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    customer_id TEXT NOT NULL DEFAULT '',
    disposition TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    agent_id    TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
);
CREATE INDEX chat_wrapups_customer ON chat_wrapups (customer_id);

CREATE TABLE customer_contacts (
    customer_id TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    fields      TEXT NOT NULL DEFAULT '',  -- JSON object
    updated_at  INTEGER NOT NULL
);
