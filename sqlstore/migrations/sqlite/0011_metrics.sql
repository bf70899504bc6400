-- Reports (docs/METRICS.md): the facts of every chat's life, append-only,
-- and per (tenant, agent, interval, service) counters kept in step with
-- them in the same transaction (sqlstore/facts.go). agent_id '' is a
-- service's total row. Every figure is kept at three lengths
-- (interval_len in seconds: 900, 3600 and 86400, UTC-aligned) so that a
-- long range reads days and only its ends read hours and quarter hours.
-- The key puts the services' total rows apart from the agents' rows and
-- each level's rows in time order, so any report's range is one
-- sequential run of the key without a secondary index.
-- Counter columns follow metrics.CounterColumns.
-- Keep in step with the other dialect's 0011_metrics.sql.

CREATE TABLE chat_facts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL,
    chat_id        TEXT NOT NULL,
    service_id     TEXT NOT NULL DEFAULT '',
    agent_id       TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    at             INTEGER NOT NULL,
    score          INTEGER NOT NULL DEFAULT 0,
    disposition    TEXT NOT NULL DEFAULT '',
    target_service TEXT NOT NULL DEFAULT '',
    target_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX chat_facts_chat ON chat_facts (tenant_id, chat_id, at, id);
CREATE INDEX chat_facts_at ON chat_facts (tenant_id, at);

CREATE TABLE metric_intervals (
    tenant_id             TEXT NOT NULL,
    agent_row             INTEGER NOT NULL, -- 1 for an agent's row, 0 for a service's total
    agent_id              TEXT NOT NULL,
    interval_len          INTEGER NOT NULL,
    interval_start        INTEGER NOT NULL,
    service_id            TEXT NOT NULL,
    offered               INTEGER NOT NULL DEFAULT 0,
    answered              INTEGER NOT NULL DEFAULT 0,
    answered_in_sl        INTEGER NOT NULL DEFAULT 0,
    abandoned             INTEGER NOT NULL DEFAULT 0,
    short_abandoned       INTEGER NOT NULL DEFAULT 0,
    answer_micros         INTEGER NOT NULL DEFAULT 0,
    offers                INTEGER NOT NULL DEFAULT 0,
    handled               INTEGER NOT NULL DEFAULT 0,
    handle_micros         INTEGER NOT NULL DEFAULT 0,
    over_limit            INTEGER NOT NULL DEFAULT 0,
    first_responses       INTEGER NOT NULL DEFAULT 0,
    first_response_micros INTEGER NOT NULL DEFAULT 0,
    transfers             INTEGER NOT NULL DEFAULT 0,
    conferences           INTEGER NOT NULL DEFAULT 0,
    survey_answers        INTEGER NOT NULL DEFAULT 0,
    survey_positive       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, agent_row, interval_len, interval_start, agent_id, service_id)
) WITHOUT ROWID;
