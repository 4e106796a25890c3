-- Elections (选举) at a sitting of a plenary: the election with its rules as
-- JSON, offices on ballot papers, candidates, scrutineers and tellers, who
-- received and returned a ballot, the electronic ballots (secret: no voter,
-- no time, no sequence), the two entry passes of paper ballots, and the
-- signed tally frozen as JSON.
--
-- SECRECY. election_voter and election_ballot share nothing but the
-- election and the paper. Neither has a timestamp. election_ballot's key is
-- a random 128-bit id; on SQLite both tables are WITHOUT ROWID, so rows are
-- stored in key order (voters by member, ballots by random id). PostgreSQL
-- keeps rows in insertion order in the heap, so closing the voting rewrites
-- both tables' rows of the election in key order (store/election_vote.go).

CREATE TABLE election (
    id                  {{PK}},
    committee_id        BIGINT NOT NULL REFERENCES org(id),
    meeting_id          BIGINT NOT NULL REFERENCES meeting(id), -- the sitting
    term_id             BIGINT NOT NULL REFERENCES term(id),
    title               TEXT NOT NULL,
    mode                TEXT NOT NULL,                 -- paper | electronic
    status              TEXT NOT NULL DEFAULT 'draft', -- draft | voting | counting | signed | confirmed
    rules_json          TEXT NOT NULL,
    rules_item_id       BIGINT NOT NULL REFERENCES agenda_item(id),
    scrutineers_item_id BIGINT NOT NULL REFERENCES agenda_item(id),
    fig_all             INTEGER NOT NULL DEFAULT 0, -- frozen when the ballots are issued
    fig_expected        INTEGER NOT NULL DEFAULT 0,
    fig_issued          INTEGER NOT NULL DEFAULT 0,
    returned            INTEGER NOT NULL DEFAULT 0, -- set when voting closes (electronic) or at signing (paper)
    ballots_sha256      TEXT NOT NULL DEFAULT '',   -- digest of the sorted ballot contents at close
    tally_json          TEXT NOT NULL DEFAULT '',   -- []election.Tally, frozen at signing
    signed_by           TEXT NOT NULL DEFAULT '',   -- the chief scrutineer's name
    signed_account      BIGINT NOT NULL DEFAULT 0,
    signed_at           {{TS}},
    effective_date      TEXT NOT NULL DEFAULT '',
    confirmed_at        {{TS}},
    created_at          {{TS}} NOT NULL,
    updated_at          {{TS}} NOT NULL
);
CREATE INDEX election_meeting ON election (meeting_id, id);

-- An office on a ballot paper.
CREATE TABLE election_office (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    election_id  BIGINT NOT NULL REFERENCES election(id),
    paper        INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL DEFAULT '',
    seats        INTEGER NOT NULL,
    competitive  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX election_office_election ON election_office (election_id, paper, seq);

-- An office's candidates in ballot order.
CREATE TABLE election_candidate (
    office_id    BIGINT NOT NULL REFERENCES election_office(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    committee_id BIGINT NOT NULL,
    election_id  BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (office_id, member_id)
);
CREATE INDEX election_candidate_election ON election_candidate (election_id, member_id);

-- 总监票人, 监票人, 总计票人, 计票人: one duty per member and election.
CREATE TABLE election_scrutineer (
    election_id  BIGINT NOT NULL REFERENCES election(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    committee_id BIGINT NOT NULL,
    duty         TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (election_id, member_id)
);

-- Who received and returned a ballot of each paper. No timestamp; inserted
-- in member order when the ballots are issued.
CREATE TABLE election_voter (
    election_id  BIGINT NOT NULL,
    member_id    BIGINT NOT NULL,
    paper        INTEGER NOT NULL,
    committee_id BIGINT NOT NULL,
    received     BOOLEAN NOT NULL DEFAULT TRUE,
    returned     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (election_id, member_id, paper)
) {{WITHOUT_ROWID}};

-- An electronic ballot: what it says (canonical entry line, write-ins by
-- member id) and the SHA-256 of its receipt code. No voter, no time, no
-- sequence: the key is random.
CREATE TABLE election_ballot (
    election_id  BIGINT NOT NULL,
    paper        INTEGER NOT NULL,
    id           TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    content      TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    PRIMARY KEY (election_id, paper, id)
) {{WITHOUT_ROWID}};
CREATE INDEX election_ballot_receipt ON election_ballot (election_id, receipt);

-- Who owns each entry pass of a paper (two different accounts).
CREATE TABLE election_pass (
    election_id  BIGINT NOT NULL REFERENCES election(id),
    paper        INTEGER NOT NULL,
    pass         INTEGER NOT NULL,
    committee_id BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    who          TEXT NOT NULL,
    PRIMARY KEY (election_id, paper, pass)
);

-- A paper ballot as one pass entered it (canonical line).
CREATE TABLE election_entry (
    election_id  BIGINT NOT NULL REFERENCES election(id),
    paper        INTEGER NOT NULL,
    pass         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    committee_id BIGINT NOT NULL,
    line         TEXT NOT NULL,
    account_id   BIGINT NOT NULL,
    PRIMARY KEY (election_id, paper, pass, seq)
);
