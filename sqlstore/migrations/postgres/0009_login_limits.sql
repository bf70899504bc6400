-- Failed logins per account (tenant and username) and per client address,
-- kept in the database so every node of a cluster applies the same limit
-- (web/loginlimit.go holds the rules). Times are microseconds since the
-- epoch, NULL for none. Keep in step with the other dialect's
-- 0009_login_limits.sql.

CREATE TABLE login_limits (
    subject      TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT,
    locked_until BIGINT
);
