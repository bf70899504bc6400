-- Service thresholds (docs/METRICS.md, parley.yaml services[].thresholds):
-- how a service's chats are counted (service level T, dropout, chat-time
-- limit, applied as facts are aggregated) and when the wallboard turns
-- amber or red (service-level target, maximum wait). Durations in
-- milliseconds. The tenant's time zone sets the days and hours of reports.
-- Keep in step with the other dialect's 0013_thresholds.sql.

CREATE TABLE service_thresholds (
    service_id           TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL,
    service_level_ms     INTEGER NOT NULL,
    service_level_target INTEGER NOT NULL,
    dropout_ms           INTEGER NOT NULL,
    chat_time_limit_ms   INTEGER NOT NULL,
    max_wait_ms          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX service_thresholds_tenant ON service_thresholds (tenant_id);

ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
