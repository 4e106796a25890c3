-- The security policy the security administrator (安全管理员) sets in the
-- app (issue 13): one row. A NULL column was never saved: the deployment's
-- start-up value (environment) or the built-in default applies. Every app
-- node reads the row when it signs someone in or checks a session, so a
-- change takes effect everywhere without a restart.
CREATE TABLE security_setting (
    id                     INTEGER PRIMARY KEY CHECK (id = 1),
    password_min_length    INTEGER,
    password_min_classes   INTEGER,
    password_max_age_days  INTEGER,
    throttle_failures      INTEGER,
    lock_after             INTEGER,
    lock_minutes           INTEGER,
    session_idle_minutes   INTEGER,
    session_absolute_hours INTEGER,
    audit_retention_days   INTEGER,
    updated_at             {{TS}},
    updated_by             TEXT NOT NULL DEFAULT ''
);
