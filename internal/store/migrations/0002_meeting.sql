-- Meetings (会议): numbered within term and kind, the body each expects frozen
-- when it opens, invited guests apart, leave requests, sign-ins, agenda items,
-- deliberation votes with their ballots, and the duty events every attendance,
-- leave and vote leaves in the member's record.
--
-- Hot paths: a sign-in and a ballot each touch one meeting/vote row by id and
-- one (meeting, member) or (vote, member) key, all covered by primary keys or
-- unique indexes below; counts for the live board read the same keys.

CREATE TABLE meeting (
    id            {{PK}},
    committee_id  BIGINT NOT NULL REFERENCES org(id),
    term_id       BIGINT NOT NULL REFERENCES term(id),
    kind          TEXT NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0, -- number in term and kind; 0 for unnumbered kinds
    parent_id     BIGINT REFERENCES meeting(id), -- the plenary session of a sitting
    sitting       TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    topic         TEXT NOT NULL DEFAULT '',
    starts_at     {{TS}} NOT NULL,
    ends_at       {{TS}},
    place         TEXT NOT NULL DEFAULT '',
    presider      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft',
    quorum_num    INTEGER NOT NULL,
    quorum_den    INTEGER NOT NULL,
    quorum_strict BOOLEAN NOT NULL,
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL
);
CREATE UNIQUE INDEX meeting_number ON meeting (committee_id, term_id, kind, seq) WHERE seq > 0;
CREATE INDEX meeting_committee_starts ON meeting (committee_id, starts_at);
CREATE INDEX meeting_parent ON meeting (parent_id);

-- The named list of a consultation or on-site meeting.
CREATE TABLE meeting_invitee (
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    committee_id BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

-- 应邀出席 / 列席: listed apart, never counted.
CREATE TABLE meeting_guest (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    name         TEXT NOT NULL,
    position     TEXT NOT NULL DEFAULT '', -- 单位及职务
    kind         TEXT NOT NULL,            -- invited (应邀出席) | attending (列席)
    sort         INTEGER NOT NULL DEFAULT 0,
    created_at   {{TS}} NOT NULL
);
CREATE INDEX meeting_guest_meeting ON meeting_guest (meeting_id, kind, sort, id);

-- 应到: the body frozen when the meeting opens, with the role and sector each
-- member held that day, so later role changes do not rewrite history.
CREATE TABLE meeting_expected (
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    committee_id BIGINT NOT NULL,
    role         TEXT NOT NULL DEFAULT '', -- top role that day; '' for an invitee without a seat
    sector_id    BIGINT,
    PRIMARY KEY (meeting_id, member_id)
);

-- 请假: one request per member and meeting.
CREATE TABLE leave_request (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending', -- pending | approved | refused
    submitted_by BIGINT NOT NULL DEFAULT 0,        -- account
    decided_by   BIGINT NOT NULL DEFAULT 0,        -- account
    decided_at   {{TS}},
    created_at   {{TS}} NOT NULL,
    UNIQUE (meeting_id, member_id)
);

-- 签到: one per member and meeting.
CREATE TABLE sign_in (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    signed_at    {{TS}} NOT NULL,
    method       TEXT NOT NULL, -- clerk | qr
    late         BOOLEAN NOT NULL DEFAULT FALSE,
    account_id   BIGINT NOT NULL DEFAULT 0, -- who recorded it
    UNIQUE (meeting_id, member_id)
);

CREATE TABLE agenda_item (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    meeting_id   BIGINT NOT NULL REFERENCES meeting(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL, -- resolution | work_plan | recommendation | research_report | meeting_plan | other
    title        TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL,
    UNIQUE (meeting_id, seq)
);

-- A deliberation vote on an agenda item. The pass rule is kept with the vote;
-- expected and present are frozen and the figures written when it closes.
CREATE TABLE vote (
    id             {{PK}},
    committee_id   BIGINT NOT NULL,
    meeting_id     BIGINT NOT NULL REFERENCES meeting(id),
    agenda_item_id BIGINT NOT NULL REFERENCES agenda_item(id),
    mode           TEXT NOT NULL,                -- hands | electronic
    status         TEXT NOT NULL DEFAULT 'open', -- open | closed
    pass_num       INTEGER NOT NULL,
    pass_den       INTEGER NOT NULL,
    pass_strict    BOOLEAN NOT NULL,
    pass_base      TEXT NOT NULL,
    expected       INTEGER NOT NULL DEFAULT 0,
    present        INTEGER NOT NULL DEFAULT 0,
    tallied        BOOLEAN NOT NULL DEFAULT FALSE, -- show of hands: counts entered
    for_count      INTEGER NOT NULL DEFAULT 0,
    against_count  INTEGER NOT NULL DEFAULT 0,
    abstain_count  INTEGER NOT NULL DEFAULT 0,
    not_voted      INTEGER NOT NULL DEFAULT 0,
    passed         BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at      {{TS}} NOT NULL,
    closed_at      {{TS}},
    opened_by      BIGINT NOT NULL DEFAULT 0,
    closed_by      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX vote_meeting ON vote (meeting_id, id);
CREATE INDEX vote_item ON vote (agenda_item_id);
-- One open vote per meeting at a time.
CREATE UNIQUE INDEX vote_one_open ON vote (meeting_id) WHERE status = 'open';

-- An electronic ballot: one per member and vote, changeable while the vote is open.
CREATE TABLE vote_ballot (
    vote_id      BIGINT NOT NULL REFERENCES vote(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    committee_id BIGINT NOT NULL,
    choice       TEXT NOT NULL, -- for | against | abstain
    cast_at      {{TS}} NOT NULL,
    PRIMARY KEY (vote_id, member_id)
);

-- A duty event (履职记录) in a member's record: generic, so the duty-record
-- module can score any kind from any source. Written in the transaction of the
-- change that earns it; (member, kind, source, source_id) is unique so nothing
-- is counted twice.
CREATE TABLE duty_event (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    member_id    BIGINT NOT NULL REFERENCES member(id),
    kind         TEXT NOT NULL,   -- attended, excused, absent, leave_refused, voted, …
    occurred_on  TEXT NOT NULL,   -- 'YYYY-MM-DD'
    meeting_id   BIGINT REFERENCES meeting(id),
    source       TEXT NOT NULL,   -- meeting, leave_request, sign_in, vote, …
    source_id    BIGINT NOT NULL,
    created_at   {{TS}} NOT NULL
);
CREATE INDEX duty_event_member ON duty_event (member_id, occurred_on);
CREATE INDEX duty_event_committee ON duty_event (committee_id, occurred_on);
CREATE UNIQUE INDEX duty_event_once ON duty_event (source, source_id, member_id, kind);
