-- Routing engine (issue 4): service settings, agent skills and presence,
-- offers, per-chat routing records and conferences. Times are unix
-- microseconds (NULL = zero). Keep in step with ../postgres/0003_routing.sql.

CREATE TABLE service_routing (
    service_id TEXT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_routing_tenant ON service_routing (tenant_id);

CREATE TABLE agent_routing (
    user_id   TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    skills    TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT '',
    last_seen INTEGER,
    acw_until INTEGER
);

-- At most one offer per chat: the primary key is the guarantee.
CREATE TABLE chat_offers (
    chat_id    TEXT PRIMARY KEY REFERENCES chats (id),
    tenant_id  TEXT NOT NULL,
    agent_id   TEXT NOT NULL,
    service_id TEXT NOT NULL DEFAULT '',
    offered_at INTEGER NOT NULL,
    expires_at INTEGER,
    decision   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX chat_offers_agent ON chat_offers (agent_id);
CREATE INDEX chat_offers_tenant ON chat_offers (tenant_id);

CREATE TABLE chat_routing (
    chat_id      TEXT PRIMARY KEY REFERENCES chats (id),
    tenant_id    TEXT NOT NULL,
    decision     TEXT NOT NULL DEFAULT '',
    target_agent TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    declined     TEXT NOT NULL DEFAULT '',
    abandoned    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chat_routing_tenant ON chat_routing (tenant_id);

CREATE TABLE chat_participants (
    chat_id   TEXT NOT NULL REFERENCES chats (id),
    agent_id  TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, agent_id)
);
CREATE INDEX chat_participants_agent ON chat_participants (agent_id);
