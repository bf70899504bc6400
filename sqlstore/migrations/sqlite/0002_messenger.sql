-- Messenger integration (issue 3), SQLite. Keep in step with
-- ../postgres/0002_messenger.sql.

-- The page may send HUMAN_AGENT-tagged messages outside the 24-hour window.
ALTER TABLE accounts ADD COLUMN human_agent INTEGER NOT NULL DEFAULT 0;

-- When a sender claimed the message; only stale claims count as interrupted.
ALTER TABLE messages ADD COLUMN claimed_at INTEGER;

-- The last channel health check of each account.
CREATE TABLE account_health (
    account_id   TEXT PRIMARY KEY,
    checked_at   INTEGER NOT NULL,
    token_ok     INTEGER NOT NULL DEFAULT 0,
    subscribed   INTEGER NOT NULL DEFAULT 0,
    resubscribed INTEGER NOT NULL DEFAULT 0,
    page_name    TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);

-- Each service has at most one Facebook page as its outbound chat account.
CREATE TABLE service_chat_accounts (
    service_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL
);

-- Files (customer attachments copied from the platform, agent uploads),
-- kept in the database so that every node serves them.
CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL,
    source_url   TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);
