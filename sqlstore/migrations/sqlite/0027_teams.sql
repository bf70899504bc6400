-- Teams group agents (and the supervisors who watch them); a user belongs
-- to at most one. Deleting a team leaves its members without one. 0026 is
-- another change's; the runner applies whatever versions are missing, in
-- order. Keep in step with the other dialect's 0027.

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, name)
);

ALTER TABLE users ADD COLUMN team_id TEXT REFERENCES teams (id) ON DELETE SET NULL;
CREATE INDEX users_team ON users (team_id);
