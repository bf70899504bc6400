-- Tenant settings every node must agree on: the Not Ready reasons agents
-- pick from (a JSON list; empty: the built-in defaults). Keep in step with
-- the other dialect's 0005_tenant_settings.sql.

ALTER TABLE tenants ADD COLUMN not_ready_reasons TEXT NOT NULL DEFAULT '';
