-- Proposals (提案): drafts by a member or a group, co-signers, numbering per
-- term and session, review (filed, not filed, merged), assignment to
-- handling units (lead and supporting) with deadlines, signing for or
-- asking to return, graded replies with their documents, the office's check,
-- the proposer's rating, closure; key and excellent proposals. The workflow
-- is the committee's proposal graph (flow_graph, kind 'proposal').
-- Social-conditions reports are in 0015_report.sql.

-- A committee's proposal rules (proposal.Rules as JSON); without a row the
-- defaults apply.
CREATE TABLE proposal_rules (
    committee_id BIGINT PRIMARY KEY REFERENCES org(id),
    rules_json   TEXT NOT NULL,
    updated_by   BIGINT NOT NULL DEFAULT 0,
    updated_at   {{TS}} NOT NULL
);

CREATE TABLE proposal (
    id                   {{PK}},
    committee_id         BIGINT NOT NULL REFERENCES org(id),
    term_id              BIGINT NOT NULL REFERENCES term(id),
    session              INTEGER NOT NULL,            -- the plenary session of the term (第四次会议)
    seq                  INTEGER NOT NULL DEFAULT 0,  -- number given at submission; 0 before
    title                TEXT NOT NULL,
    reason               TEXT NOT NULL DEFAULT '',    -- 案由与理由
    suggestions          TEXT NOT NULL DEFAULT '',    -- 办法与建议
    category             TEXT NOT NULL DEFAULT '',    -- proposal.Category
    author_kind          TEXT NOT NULL,               -- member | group
    member_id            BIGINT REFERENCES member(id), -- the lead proposer of a member's proposal
    group_kind           TEXT NOT NULL DEFAULT '',    -- sector | special_committee | party | other
    sector_id            BIGINT REFERENCES sector(id),
    special_committee_id BIGINT REFERENCES special_committee(id),
    group_name           TEXT NOT NULL DEFAULT '',    -- the group as printed (界别、专委会、党派)
    state                TEXT NOT NULL,
    state_since          {{TS}} NOT NULL,
    cosign_deadline      TEXT NOT NULL DEFAULT '',    -- last day co-signers may join
    submitted_on         TEXT NOT NULL DEFAULT '',
    conversion           TEXT NOT NULL DEFAULT '',    -- not filed: letter | report
    merged_into          BIGINT REFERENCES proposal(id),
    key_year             INTEGER NOT NULL DEFAULT 0,  -- 重点提案 of that year
    key_leader           TEXT NOT NULL DEFAULT '',    -- the leader who supervises it
    excellent_year       INTEGER NOT NULL DEFAULT 0,  -- 优秀提案 of that year
    created_by           BIGINT NOT NULL DEFAULT 0,
    created_at           {{TS}} NOT NULL,
    updated_at           {{TS}} NOT NULL
);
CREATE UNIQUE INDEX proposal_number ON proposal (committee_id, term_id, session, seq) WHERE seq > 0;
CREATE INDEX proposal_committee ON proposal (committee_id, term_id, session, state);
CREATE INDEX proposal_member ON proposal (member_id);
CREATE INDEX proposal_merged ON proposal (merged_into);

-- Co-signers (联名): members of the committee who joined before the deadline.
CREATE TABLE proposal_cosigner (
    proposal_id BIGINT NOT NULL REFERENCES proposal(id),
    member_id   BIGINT NOT NULL REFERENCES member(id),
    signed_at   {{TS}} NOT NULL,
    PRIMARY KEY (proposal_id, member_id)
);
CREATE INDEX proposal_cosigner_member ON proposal_cosigner (member_id);

-- Every transition a proposal took: who, when, why.
CREATE TABLE proposal_step (
    id          {{PK}},
    proposal_id BIGINT NOT NULL REFERENCES proposal(id),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  BIGINT NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL DEFAULT '',
    at          {{TS}} NOT NULL
);
CREATE INDEX proposal_step_proposal ON proposal_step (proposal_id, id);

-- A proposal assigned (交办) to a handling unit, lead (主办) or supporting
-- (会办): status assigned → signed (签收) or return_asked → (withdrawn when
-- the office agrees) ; signed → replied → returned (退回重办) → replied;
-- rated by the proposer. Withdrawn assignments stay as history.
CREATE TABLE proposal_assignment (
    id            {{PK}},
    proposal_id   BIGINT NOT NULL REFERENCES proposal(id),
    unit_id       BIGINT NOT NULL REFERENCES handling_unit(id),
    lead          BOOLEAN NOT NULL,
    deadline      TEXT NOT NULL,                -- the reply is due on this day
    status        TEXT NOT NULL DEFAULT 'assigned',
    assigned_at   {{TS}} NOT NULL,
    signed_at     {{TS}},
    return_reason TEXT NOT NULL DEFAULT '',
    replied_at    {{TS}},
    grade         TEXT NOT NULL DEFAULT '',     -- of the current reply: A | B | C
    satisfaction  TEXT NOT NULL DEFAULT '',     -- satisfied | basically | dissatisfied
    contact       TEXT NOT NULL DEFAULT '',     -- face | meeting | phone | letter | none
    rating_note   TEXT NOT NULL DEFAULT '',
    rated_by      TEXT NOT NULL DEFAULT '',
    rated_at      {{TS}},
    withdrawn     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX proposal_assignment_once ON proposal_assignment (proposal_id, unit_id) WHERE withdrawn = FALSE;
CREATE INDEX proposal_assignment_unit ON proposal_assignment (unit_id, status);
CREATE INDEX proposal_assignment_proposal ON proposal_assignment (proposal_id);

-- A unit's reply (办复): grade, the reason for a C, the text; the document
-- is a proposal_file; the office's verdict (accepted or returned, why).
CREATE TABLE proposal_reply (
    id             {{PK}},
    assignment_id  BIGINT NOT NULL REFERENCES proposal_assignment(id),
    grade          TEXT NOT NULL DEFAULT '',
    grade_reason   TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    account_id     BIGINT NOT NULL DEFAULT 0,
    actor          TEXT NOT NULL DEFAULT '',
    at             {{TS}} NOT NULL,
    verdict        TEXT NOT NULL DEFAULT '',    -- '' | returned
    verdict_reason TEXT NOT NULL DEFAULT '',
    verdict_actor  TEXT NOT NULL DEFAULT '',
    verdict_at     {{TS}}
);
CREATE INDEX proposal_reply_assignment ON proposal_reply (assignment_id, id);

-- Files of a proposal: attachments of the text, reply documents.
CREATE TABLE proposal_file (
    id           {{PK}},
    proposal_id  BIGINT NOT NULL REFERENCES proposal(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    reply_id     BIGINT REFERENCES proposal_reply(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{BLOB}} NOT NULL,
    uploaded_by  BIGINT NOT NULL DEFAULT 0,
    uploaded_at  {{TS}} NOT NULL
);
CREATE INDEX proposal_file_proposal ON proposal_file (proposal_id, id);

-- A duty event's share of the full score in quarters (4 full, 2 half, 1 a
-- quarter): an adopted report co-written or merged scores in part.
ALTER TABLE duty_event ADD COLUMN share INTEGER NOT NULL DEFAULT 4;
