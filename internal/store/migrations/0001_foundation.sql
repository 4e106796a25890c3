-- Foundation: organisations in four tiers, terms, sectors, special committees,
-- members with term seats and roles, accounts, sessions, API tokens, login
-- throttling, the hash-chained audit log and import jobs.
--
-- One file for both databases: {{PK}}, {{TS}} and {{BLOB}} are replaced by the
-- dialect (see store/dialect.go). Dates are 'YYYY-MM-DD' text in both.
-- Every table carries committee_id: the committee (city or county org) the row
-- belongs to, so that a national deployment could be sharded by committee.

CREATE TABLE org (
    id           {{PK}},
    committee_id BIGINT NOT NULL DEFAULT 0,
    parent_id    BIGINT REFERENCES org(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',
    path         TEXT NOT NULL DEFAULT '',
    depth        INTEGER NOT NULL DEFAULT 0,
    sort         INTEGER NOT NULL DEFAULT 0,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX org_path ON org (path);
CREATE INDEX org_parent ON org (parent_id, sort, id);
CREATE UNIQUE INDEX org_parent_name ON org (parent_id, name) WHERE archived = FALSE;

CREATE TABLE org_move (
    id             {{PK}},
    committee_id   BIGINT NOT NULL,
    org_id         BIGINT NOT NULL REFERENCES org(id),
    from_parent_id BIGINT NOT NULL REFERENCES org(id),
    to_parent_id   BIGINT NOT NULL REFERENCES org(id),
    from_path      TEXT NOT NULL,
    to_path        TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    moved_at       {{TS}} NOT NULL,
    account_id     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX org_move_org ON org_move (org_id, moved_at);

CREATE TABLE term (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    number       INTEGER NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL DEFAULT '',
    UNIQUE (committee_id, number)
);

CREATE TABLE sector (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    name         TEXT NOT NULL,
    sort         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (committee_id, name)
);

CREATE TABLE special_committee (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    name         TEXT NOT NULL,
    sort         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (committee_id, name)
);

CREATE TABLE member (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    name         TEXT NOT NULL,
    gender       TEXT NOT NULL DEFAULT '',
    birth_date   TEXT NOT NULL DEFAULT '',
    ethnicity    TEXT NOT NULL DEFAULT '',
    party        TEXT NOT NULL DEFAULT '',
    education    TEXT NOT NULL DEFAULT '',
    workplace    TEXT NOT NULL DEFAULT '',
    id_number    TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'serving',
    status_date  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX member_committee_name ON member (committee_id, name, id);
CREATE UNIQUE INDEX member_id_number ON member (committee_id, id_number) WHERE id_number <> '';

CREATE TABLE term_member (
    id                   {{PK}},
    committee_id         BIGINT NOT NULL REFERENCES org(id),
    term_id              BIGINT NOT NULL REFERENCES term(id),
    member_id            BIGINT NOT NULL REFERENCES member(id),
    sector_id            BIGINT REFERENCES sector(id),
    special_committee_id BIGINT REFERENCES special_committee(id),
    start_date           TEXT NOT NULL,
    end_date             TEXT NOT NULL DEFAULT '',
    UNIQUE (term_id, member_id)
);
CREATE INDEX term_member_member ON term_member (member_id);
CREATE INDEX term_member_sector ON term_member (term_id, sector_id);

CREATE TABLE member_role (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    member_id    BIGINT NOT NULL REFERENCES member(id),
    term_id      BIGINT NOT NULL REFERENCES term(id),
    kind         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_role_member ON member_role (member_id);
CREATE INDEX member_role_term ON member_role (term_id, kind);

CREATE TABLE account (
    id                   {{PK}},
    committee_id         BIGINT NOT NULL DEFAULT 0,
    org_id               BIGINT REFERENCES org(id),
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    member_id            BIGINT REFERENCES member(id),
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at  {{TS}} NOT NULL,
    locked_until         {{TS}},
    last_login_at        {{TS}},
    created_at           {{TS}} NOT NULL,
    updated_at           {{TS}} NOT NULL
);
CREATE INDEX account_org ON account (org_id);

CREATE TABLE session (
    id           TEXT PRIMARY KEY, -- sha256 of the cookie token
    committee_id BIGINT NOT NULL DEFAULT 0,
    account_id   BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   {{TS}} NOT NULL,
    expires_at   {{TS}} NOT NULL,
    last_seen_at {{TS}} NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_account ON session (account_id);
CREATE INDEX session_expires ON session (expires_at);

CREATE TABLE api_token (
    id           {{PK}},
    committee_id BIGINT NOT NULL DEFAULT 0,
    account_id   BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   {{TS}} NOT NULL,
    expires_at   {{TS}},
    last_used_at {{TS}},
    revoked_at   {{TS}}
);
CREATE INDEX api_token_account ON api_token (account_id);

CREATE TABLE login_failure (
    id           {{PK}},
    committee_id BIGINT NOT NULL DEFAULT 0,
    key          TEXT NOT NULL, -- 'u:<username>' or 'ip:<address>'
    at           {{TS}} NOT NULL
);
CREATE INDEX login_failure_key ON login_failure (key, at);

CREATE TABLE audit_head (
    chain        BIGINT PRIMARY KEY, -- committee id, 0 for the deployment
    committee_id BIGINT NOT NULL DEFAULT 0,
    seq          BIGINT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TABLE audit_log (
    id           {{PK}},
    committee_id BIGINT NOT NULL DEFAULT 0,
    chain        BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    at           {{TS}} NOT NULL,
    account_id   BIGINT NOT NULL DEFAULT 0,
    actor        TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    BIGINT NOT NULL DEFAULT 0,
    org_path     TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    before_json  TEXT NOT NULL DEFAULT '',
    after_json   TEXT NOT NULL DEFAULT '',
    alg          TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX audit_log_path ON audit_log (org_path, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE import_job (
    id           {{PK}},
    committee_id BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    rows_total   INTEGER NOT NULL DEFAULT 0,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL, -- running, done, failed
    message      TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    finished_at  {{TS}}
);
