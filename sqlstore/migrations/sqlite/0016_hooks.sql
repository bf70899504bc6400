-- Outgoing webhooks (package hooks): the subscriptions, each with its
-- delivery cursor over the tenant's event log and a lease so that one node
-- at a time delivers it, and the delivery log the Admin page shows. Times
-- are microseconds since the epoch, NULL for none. Keep in step with the
-- other dialect's 0016_hooks.sql.

-- The public name of an event that is news for integrators (parley.Hook*):
-- set by the code that emits it, empty on the copies made for each desktop.
ALTER TABLE events ADD COLUMN hook TEXT NOT NULL DEFAULT '';

CREATE TABLE hook_subscriptions (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    events          TEXT NOT NULL DEFAULT '[]',
    allow_private   INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    cursor_event    INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error      TEXT NOT NULL DEFAULT '',
    last_success_at INTEGER,
    lease_holder    TEXT NOT NULL DEFAULT '',
    lease_until     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, name)
);

CREATE TABLE hook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    event_id        INTEGER NOT NULL,
    event_type      TEXT NOT NULL,
    chat_id         TEXT NOT NULL DEFAULT '',
    attempt         INTEGER NOT NULL,
    status_code     INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    duration_us     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX hook_deliveries_subscription ON hook_deliveries (subscription_id, id);
