-- Indexes the benchmark suite (scripts/bench, issue 9) found missing on the
-- province world.

-- The committees in a subtree (every list page's filter) by kind, not by
-- reading every organisation down to the villages: 2 ms → 0.13 ms for a
-- province's city office (3,161 organisations).
CREATE INDEX org_kind_path ON org (kind, path);

-- The audit log's page, newest first, by walking the entries in time order
-- and stopping at 50 instead of sorting every entry in scope: 15 ms →
-- 0.2 ms for 3,600 entries (the log only grows).
CREATE INDEX audit_log_at ON audit_log (at, id);

-- 履职活动, newest first, by walking the activities in day order and
-- stopping at 50 (21,600 activities in a province).
CREATE INDEX activity_starts ON activity (starts_on, id);

-- Topics in the list's order (year, newest first; planned month; newest
-- first), so that a page walks the index and stops at 50 instead of sorting
-- every topic in scope: 38 → 3.6 ms for 20,000 topics, 0.4 ms within a year.
CREATE INDEX topic_list ON topic (year DESC, planned_month, id DESC);

-- 履职活动 counted by kind for the organisations in scope from the index
-- alone (the list page's counts): 19 → 13 ms for 21,600 activities.
CREATE INDEX activity_org_kind ON activity (org_id, kind);
