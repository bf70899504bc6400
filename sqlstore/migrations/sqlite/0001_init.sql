-- Parley schema, SQLite. Times are INTEGER unix microseconds (NULL = zero);
-- ids are UUIDv7 text. Keep in step with ../postgres/0001_init.sql.

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    page_id       TEXT NOT NULL,
    page_username TEXT NOT NULL DEFAULT '',
    access_token  TEXT NOT NULL DEFAULT '',
    app_secret    TEXT NOT NULL DEFAULT '',
    verify_token  TEXT NOT NULL DEFAULT '',
    api_base_url  TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    status_reason TEXT NOT NULL DEFAULT '',
    updated_at    INTEGER,
    UNIQUE (tenant_id, name),
    UNIQUE (type, page_id)
);

CREATE TABLE scenario_entries (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    name          TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    scenario_name TEXT NOT NULL DEFAULT '',
    service_id    TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, name),
    UNIQUE (account_id)
);

CREATE TABLE scenario_versions (
    tenant_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    definition BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name, version)
);

CREATE TABLE services (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    name                TEXT NOT NULL,
    max_chats_per_agent INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    capacity      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'offline',
    state_since   INTEGER,
    idle_since    INTEGER,
    UNIQUE (tenant_id, username)
);

CREATE TABLE user_services (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, service_id)
);
CREATE INDEX user_services_service ON user_services (service_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE customers (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    account_id         TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    first_name         TEXT NOT NULL DEFAULT '',
    last_name          TEXT NOT NULL DEFAULT '',
    profile_pic        TEXT NOT NULL DEFAULT '',
    profile_fetched_at INTEGER,
    last_message_at    INTEGER,
    created_at         INTEGER NOT NULL,
    UNIQUE (account_id, external_id)
);
CREATE INDEX customers_tenant ON customers (tenant_id);

CREATE TABLE chats (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    account_id       TEXT NOT NULL DEFAULT '',
    customer_id      TEXT NOT NULL DEFAULT '',
    entry_id         TEXT NOT NULL DEFAULT '',
    service_id       TEXT NOT NULL DEFAULT '',
    agent_id         TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    priority         INTEGER NOT NULL DEFAULT 0,
    queued_at        INTEGER,
    assigned_at      INTEGER,
    closed_at        INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    scenario_name    TEXT NOT NULL DEFAULT '',
    scenario_version INTEGER NOT NULL DEFAULT 0,
    scenario_block   TEXT NOT NULL DEFAULT '',
    scenario_waiting TEXT NOT NULL DEFAULT '',
    scenario_wake_at INTEGER,
    scenario_vars    TEXT NOT NULL DEFAULT ''
);
-- A customer has at most one chat that is not closed.
CREATE UNIQUE INDEX chats_open_customer ON chats (customer_id)
    WHERE state <> 'closed' AND customer_id <> '';
CREATE INDEX chats_queue ON chats (tenant_id, priority DESC, queued_at, id)
    WHERE state = 'queued';
CREATE INDEX chats_agent ON chats (agent_id, state);
CREATE INDEX chats_tenant_created ON chats (tenant_id, created_at);
CREATE INDEX chats_customer ON chats (customer_id, created_at);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    chat_id         TEXT NOT NULL REFERENCES chats (id),
    account_id      TEXT NOT NULL DEFAULT '',
    seq             INTEGER NOT NULL,
    direction       TEXT NOT NULL,
    sender          TEXT NOT NULL DEFAULT '',
    agent_id        TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '',
    external_id     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    sent_at         INTEGER,
    platform_time   INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (chat_id, seq)
);
-- A platform message id is stored once per account: redeliveries collide.
CREATE UNIQUE INDEX messages_external ON messages (account_id, external_id)
    WHERE external_id <> '';
-- The outbox.
CREATE INDEX messages_outbox ON messages (status, next_attempt_at);

CREATE TABLE outbound_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   TEXT NOT NULL REFERENCES messages (id),
    attempt      INTEGER NOT NULL,
    attempted_at INTEGER NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    external_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbound_attempts_message ON outbound_attempts (message_id, id);

CREATE TABLE inbound_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    channel      TEXT NOT NULL DEFAULT '',
    dedup_key    TEXT,
    kind         TEXT NOT NULL DEFAULT '',
    payload      BLOB NOT NULL,
    received_at  INTEGER NOT NULL,
    processed_at INTEGER,
    error        TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, dedup_key)
);
CREATE INDEX inbound_events_pending ON inbound_events (id) WHERE processed_at IS NULL;

CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  TEXT NOT NULL,
    type       TEXT NOT NULL,
    chat_id    TEXT NOT NULL DEFAULT '',
    agent_id   TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX events_tenant ON events (tenant_id, id);
