-- Social-conditions reports (社情民意信息): submitted by members and others
-- the committee allows, edited, merged and forwarded by the office, adopted
-- (采用) at county, city, province or national level, possibly with a
-- leader's written instruction (批示), or not adopted with a reason. States
-- and their transitions: internal/proposal/report.go.

CREATE TABLE report (
    id             {{PK}},
    committee_id   BIGINT NOT NULL REFERENCES org(id),
    org_id         BIGINT NOT NULL REFERENCES org(id), -- the submitter's organisation: scoping
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    category       TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    state_since    {{TS}} NOT NULL,
    submitted_by   BIGINT NOT NULL DEFAULT 0,         -- the account
    submitter      TEXT NOT NULL DEFAULT '',          -- its name as it was
    merged_into    BIGINT REFERENCES report(id),
    forwarded_to   TEXT NOT NULL DEFAULT '',          -- the body it was last sent on to (报送)
    forwarded_on   TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL
);
CREATE INDEX report_committee ON report (committee_id, year, state);
CREATE INDEX report_org ON report (org_id);
CREATE INDEX report_merged ON report (merged_into);
CREATE INDEX report_submitted_by ON report (submitted_by);

-- Authors in order: members of the committee, or named non-members (a
-- coordinator, say). An author of a report merged into this one is listed
-- with merged_from, the report it came with.
CREATE TABLE report_author (
    report_id   BIGINT NOT NULL REFERENCES report(id),
    seq         INTEGER NOT NULL,
    member_id   BIGINT REFERENCES member(id),
    name        TEXT NOT NULL,
    merged_from BIGINT REFERENCES report(id),
    PRIMARY KEY (report_id, seq)
);
CREATE UNIQUE INDEX report_author_member ON report_author (report_id, member_id) WHERE member_id IS NOT NULL;
CREATE INDEX report_author_by_member ON report_author (member_id);

-- Every state change a report took: who, when, why.
CREATE TABLE report_step (
    id         {{PK}},
    report_id  BIGINT NOT NULL REFERENCES report(id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    action     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    account_id BIGINT NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL DEFAULT '',
    at         {{TS}} NOT NULL
);
CREATE INDEX report_step_report ON report_step (report_id, id);

-- An adoption at a level (one per level), with the leader's instruction.
CREATE TABLE report_adoption (
    id             {{PK}},
    report_id      BIGINT NOT NULL REFERENCES report(id),
    committee_id   BIGINT NOT NULL REFERENCES org(id),
    level          TEXT NOT NULL,               -- county | city | province | national
    adopted_on     TEXT NOT NULL,
    adopted_by     TEXT NOT NULL,               -- 省政协办公厅《社情民意》第12期
    instruction    TEXT NOT NULL DEFAULT '',    -- 批示
    leader         TEXT NOT NULL DEFAULT '',
    instruction_on TEXT NOT NULL DEFAULT '',
    created_by     BIGINT NOT NULL DEFAULT 0,
    created_at     {{TS}} NOT NULL,
    UNIQUE (report_id, level)
);
CREATE INDEX report_adoption_committee ON report_adoption (committee_id, level);
