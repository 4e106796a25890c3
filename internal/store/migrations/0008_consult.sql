-- Consultation (协商): state graphs held as data, handling units (承办单位),
-- annual consultation work plans with their revisions, topic-collection
-- campaigns, topics with every step they took, participants, research
-- visits, speeches, outcomes, files, and the handling units' replies.
-- Grassroots rooms are in 0009_room.sql.

-- A committee's state graph for one kind of record ('topic', later
-- 'proposal'), as workflow.Graph JSON. Without a row the built-in graph
-- applies.
CREATE TABLE flow_graph (
    committee_id BIGINT NOT NULL REFERENCES org(id),
    kind         TEXT NOT NULL,
    graph_json   TEXT NOT NULL,
    updated_by   BIGINT NOT NULL DEFAULT 0,
    updated_at   {{TS}} NOT NULL,
    PRIMARY KEY (committee_id, kind)
);

-- Handling units: party and government departments a committee sends
-- outcomes (and later proposals) to. Accounts of role 'unit' name theirs in
-- account.unit_id and see only what was sent to it.
CREATE TABLE handling_unit (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT 'department', -- party | government | department | other
    contact      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    sort         INTEGER NOT NULL DEFAULT 0,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL,
    UNIQUE (committee_id, name)
);
ALTER TABLE account ADD COLUMN unit_id BIGINT REFERENCES handling_unit(id);

-- The annual consultation work plan (年度协商工作计划) of a committee. Its
-- items are the topics with plan_id set. Adopted at a meeting through the
-- deliberation vote on agenda_item_id; every revision keeps a snapshot.
CREATE TABLE consult_plan (
    id             {{PK}},
    committee_id   BIGINT NOT NULL REFERENCES org(id),
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft', -- draft | submitted | adopted
    agenda_item_id BIGINT REFERENCES agenda_item(id),
    adopted_on     TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL,
    UNIQUE (committee_id, year)
);

CREATE TABLE consult_plan_revision (
    id            {{PK}},
    plan_id       BIGINT NOT NULL REFERENCES consult_plan(id),
    version       INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    snapshot_json TEXT NOT NULL, -- the plan's items before this revision
    account_id    BIGINT NOT NULL DEFAULT 0,
    actor         TEXT NOT NULL DEFAULT '',
    at            {{TS}} NOT NULL
);
CREATE INDEX consult_plan_revision_plan ON consult_plan_revision (plan_id, version);

-- A topic-collection campaign (议题征集) of an organisation, open for a
-- window; public ones take suggestions from a page without login.
CREATE TABLE campaign (
    id           {{PK}},
    org_id       BIGINT NOT NULL REFERENCES org(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    year         INTEGER NOT NULL,
    title        TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    opens_on     TEXT NOT NULL,
    closes_on    TEXT NOT NULL,
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX campaign_org ON campaign (org_id, opens_on);

-- A consultation topic (协商议题) at its organisation's tier: a suggestion
-- while collected, then a plan item, through the committee's state graph.
CREATE TABLE topic (
    id                {{PK}},
    org_id            BIGINT NOT NULL REFERENCES org(id),
    committee_id      BIGINT NOT NULL REFERENCES org(id),
    year              INTEGER NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    form              TEXT NOT NULL DEFAULT '',       -- consult.Form
    lead_committee_id BIGINT REFERENCES special_committee(id),
    planned_month     INTEGER NOT NULL DEFAULT 0,     -- 1..12, 0 unplanned
    source            TEXT NOT NULL,                  -- consult.Source
    source_name       TEXT NOT NULL DEFAULT '',       -- who suggested it (optional for the public)
    source_phone      TEXT NOT NULL DEFAULT '',
    source_member_id  BIGINT REFERENCES member(id),
    source_ip_hash    TEXT NOT NULL DEFAULT '',       -- public suggestions: keyed hash of the address
    campaign_id       BIGINT REFERENCES campaign(id),
    plan_id           BIGINT REFERENCES consult_plan(id),
    room_id           BIGINT,                         -- raised in a grassroots room (0009)
    state             TEXT NOT NULL,
    state_since       {{TS}} NOT NULL,
    meeting_id        BIGINT REFERENCES meeting(id),  -- the consultation meeting
    origin_id         BIGINT REFERENCES topic(id),    -- escalated from this lower-tier topic
    parent_id         BIGINT REFERENCES topic(id),    -- pushed down from this upper-tier topic
    created_by        BIGINT NOT NULL DEFAULT 0,
    created_at        {{TS}} NOT NULL,
    updated_at        {{TS}} NOT NULL
);
CREATE INDEX topic_org ON topic (org_id, year, state);
CREATE INDEX topic_committee ON topic (committee_id, year, state);
CREATE INDEX topic_campaign ON topic (campaign_id, state);
CREATE INDEX topic_plan ON topic (plan_id);
CREATE INDEX topic_parent ON topic (parent_id);
CREATE INDEX topic_origin ON topic (origin_id);
CREATE INDEX topic_ip ON topic (source_ip_hash, created_at);

-- Every transition a topic took: who, when, why.
CREATE TABLE topic_step (
    id          {{PK}},
    topic_id    BIGINT NOT NULL REFERENCES topic(id),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  BIGINT NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL DEFAULT '',
    at          {{TS}} NOT NULL
);
CREATE INDEX topic_step_topic ON topic_step (topic_id, id);

-- Who takes part (主体确定): members, departments, experts, residents,
-- invited by name.
CREATE TABLE topic_participant (
    id          {{PK}},
    topic_id    BIGINT NOT NULL REFERENCES topic(id),
    kind        TEXT NOT NULL,             -- member | department | expert | resident
    member_id   BIGINT REFERENCES member(id),
    unit_id     BIGINT REFERENCES handling_unit(id),
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL
);
CREATE INDEX topic_participant_topic ON topic_participant (topic_id, id);

-- Research, inspection and supervisory research visits (调研, 视察, 监督性调研).
CREATE TABLE topic_visit (
    id           {{PK}},
    topic_id     BIGINT NOT NULL REFERENCES topic(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    kind         TEXT NOT NULL,             -- research | inspection | supervision
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    places       TEXT NOT NULL DEFAULT '',  -- one place a line
    others       TEXT NOT NULL DEFAULT '',  -- participants who are not members
    findings     TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX topic_visit_topic ON topic_visit (topic_id, starts_on);

CREATE TABLE topic_visit_member (
    visit_id  BIGINT NOT NULL REFERENCES topic_visit(id),
    member_id BIGINT NOT NULL REFERENCES member(id),
    PRIMARY KEY (visit_id, member_id)
);

-- Speeches and opinions at the consultation, per speaker.
CREATE TABLE topic_speech (
    id          {{PK}},
    topic_id    BIGINT NOT NULL REFERENCES topic(id),
    meeting_id  BIGINT REFERENCES meeting(id),
    seq         INTEGER NOT NULL,
    member_id   BIGINT REFERENCES member(id),
    speaker     TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    opinion     TEXT NOT NULL,
    created_at  {{TS}} NOT NULL
);
CREATE INDEX topic_speech_topic ON topic_speech (topic_id, seq);

-- Outcomes (协商成果): 建议案, 调研报告, 协商意见; sent (报送) to the party
-- committee and government.
CREATE TABLE topic_outcome (
    id          {{PK}},
    topic_id    BIGINT NOT NULL REFERENCES topic(id),
    kind        TEXT NOT NULL,              -- recommendation | report | opinions
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    sent_to     TEXT NOT NULL DEFAULT '',
    sent_on     TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL,
    updated_at  {{TS}} NOT NULL
);
CREATE INDEX topic_outcome_topic ON topic_outcome (topic_id, id);

-- An outcome sent to a handling unit for implementation feedback
-- (成果落实反馈): status sent → replied → returned (rework) → replied → accepted.
CREATE TABLE topic_assignment (
    id            {{PK}},
    topic_id      BIGINT NOT NULL REFERENCES topic(id),
    outcome_id    BIGINT NOT NULL REFERENCES topic_outcome(id),
    unit_id       BIGINT NOT NULL REFERENCES handling_unit(id),
    lead          BOOLEAN NOT NULL DEFAULT TRUE,
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'sent', -- sent | replied | returned | accepted
    sent_at       {{TS}} NOT NULL,
    replied_at    {{TS}},
    accepted_at   {{TS}},
    satisfaction  TEXT NOT NULL DEFAULT '',     -- satisfied | basically | dissatisfied
    UNIQUE (outcome_id, unit_id)
);
CREATE INDEX topic_assignment_unit ON topic_assignment (unit_id, status);
CREATE INDEX topic_assignment_topic ON topic_assignment (topic_id);

CREATE TABLE topic_reply (
    id             {{PK}},
    assignment_id  BIGINT NOT NULL REFERENCES topic_assignment(id),
    body           TEXT NOT NULL,
    account_id     BIGINT NOT NULL DEFAULT 0,
    actor          TEXT NOT NULL DEFAULT '',
    at             {{TS}} NOT NULL,
    verdict        TEXT NOT NULL DEFAULT '',    -- '' | accepted | returned
    verdict_reason TEXT NOT NULL DEFAULT '',
    verdict_actor  TEXT NOT NULL DEFAULT '',
    verdict_at     {{TS}}
);
CREATE INDEX topic_reply_assignment ON topic_reply (assignment_id, id);

-- Files of a topic: visit photos, outcome documents, reply documents.
-- Bytes in the database, as agenda documents (0005).
CREATE TABLE topic_file (
    id           {{PK}},
    topic_id     BIGINT NOT NULL REFERENCES topic(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    visit_id     BIGINT REFERENCES topic_visit(id),
    outcome_id   BIGINT REFERENCES topic_outcome(id),
    reply_id     BIGINT REFERENCES topic_reply(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{BLOB}} NOT NULL,
    uploaded_by  BIGINT NOT NULL DEFAULT 0,
    uploaded_at  {{TS}} NOT NULL
);
CREATE INDEX topic_file_topic ON topic_file (topic_id, id);
