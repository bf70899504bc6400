-- API keys for integrations (package auth). Only the SHA-256 of the
-- token's secret part is stored. Times are microseconds since the epoch,
-- NULL for none. Keep in step with the other dialect's 0017_api_keys.sql.

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    hint         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER,
    UNIQUE (tenant_id, name)
);
