-- Members' duty performance (委员履职): a committee's scoring rules for a
-- range of years (duty.Rules as JSON; ranges do not overlap), the kinds of
-- 履职活动 a committee records, and the tally of duty events per member,
-- year, kind, meeting kind and share that a year's file and the rankings
-- sum (kept by store/duty.go with every event written or removed).

CREATE TABLE duty_rules (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    from_year    INTEGER NOT NULL,
    to_year      INTEGER NOT NULL DEFAULT 0, -- 0: still in force
    rules_json   TEXT NOT NULL,
    updated_by   BIGINT NOT NULL DEFAULT 0,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX duty_rules_committee ON duty_rules (committee_id, from_year);

-- A committee's kinds of 履职活动; without rows, duty.DefaultActivityKinds.
CREATE TABLE activity_kind (
    committee_id BIGINT NOT NULL REFERENCES org(id),
    code         TEXT NOT NULL,
    label        TEXT NOT NULL,
    sort         INTEGER NOT NULL DEFAULT 0,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (committee_id, code)
);

CREATE TABLE duty_tally (
    committee_id BIGINT NOT NULL,
    member_id    BIGINT NOT NULL REFERENCES member(id),
    year         INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    meeting_kind TEXT NOT NULL DEFAULT '',
    share        INTEGER NOT NULL DEFAULT 4,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, year, kind, meeting_kind, share)
);
CREATE INDEX duty_tally_committee ON duty_tally (committee_id, year);
