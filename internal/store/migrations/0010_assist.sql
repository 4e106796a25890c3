-- Pairing assistance (结对帮扶), enterprise liaison (包联企业), visit
-- campaigns (遍访) and the problem lists they feed (急难愁盼问题, 需求问题清单,
-- 问题清单 → 整改). Household data is sensitive personal information: only
-- the fields needed are kept; identity numbers and phones are shown masked
-- except to the paired cadre on an explicit, audited reveal.

-- Assistance rules of a committee as JSON (assist.Rules: one-to-one
-- pairing, visit occasions such as 六必访, minimum visit frequency). Without
-- a row the built-in rules apply.
CREATE TABLE assist_rules (
    committee_id BIGINT PRIMARY KEY REFERENCES org(id),
    rules_json   TEXT NOT NULL,
    updated_at   {{TS}} NOT NULL
);

-- People who pair with households or liaise with enterprises: office cadres
-- (帮扶干部), members, leaders (主席会议成员, 委办负责同志). A cadre's own
-- account (role cadre) names the cadre in account_id.
CREATE TABLE cadre (
    id           {{PK}},
    org_id       BIGINT NOT NULL REFERENCES org(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    name         TEXT NOT NULL,
    post         TEXT NOT NULL DEFAULT '',      -- 职务
    phone        TEXT NOT NULL DEFAULT '',
    member_id    BIGINT REFERENCES member(id),
    account_id   BIGINT REFERENCES account(id),
    left_on      TEXT NOT NULL DEFAULT '',      -- 'YYYY-MM-DD' when the cadre left; '' active
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX cadre_org ON cadre (org_id);
CREATE UNIQUE INDEX cadre_account ON cadre (account_id);

-- A household in need at a village or community (or a township).
CREATE TABLE household (
    id           {{PK}},
    org_id       BIGINT NOT NULL REFERENCES org(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    head_name    TEXT NOT NULL,               -- 户主
    address      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',     -- sensitive: masked
    note         TEXT NOT NULL DEFAULT '',
    registered_on TEXT NOT NULL,               -- 'YYYY-MM-DD'
    exited_on    TEXT NOT NULL DEFAULT '',     -- left the register (脱困, moved, …)
    exit_reason  TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX household_org ON household (org_id, exited_on);
CREATE INDEX household_committee ON household (committee_id, exited_on);

-- The persons of a household, each with the categories that put them on
-- the register (assist.Category codes, comma separated).
CREATE TABLE household_person (
    id           {{PK}},
    household_id BIGINT NOT NULL REFERENCES household(id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL DEFAULT '',     -- 户主, 子女, 孙子女, …
    gender       TEXT NOT NULL DEFAULT '',
    birth_date   TEXT NOT NULL DEFAULT '',
    id_number    TEXT NOT NULL DEFAULT '',     -- sensitive: GB 11643, masked
    categories   TEXT NOT NULL DEFAULT '',
    disability   TEXT NOT NULL DEFAULT '',     -- sensitive: kind and grade
    health       TEXT NOT NULL DEFAULT '',     -- sensitive
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX household_person_household ON household_person (household_id);

-- An enterprise in the liaison ledger (企业基本情况台账).
CREATE TABLE enterprise (
    id            {{PK}},
    org_id        BIGINT NOT NULL REFERENCES org(id),
    committee_id  BIGINT NOT NULL REFERENCES org(id),
    name          TEXT NOT NULL,
    uscc          TEXT NOT NULL,               -- 统一社会信用代码, GB 32100 check digit
    sector        TEXT NOT NULL DEFAULT '',     -- 行业
    size          TEXT NOT NULL DEFAULT '',     -- large | medium | small | micro
    address       TEXT NOT NULL DEFAULT '',
    contact       TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    employees     INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    archived      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL
);
CREATE UNIQUE INDEX enterprise_uscc ON enterprise (committee_id, uscc);
CREATE INDEX enterprise_org ON enterprise (org_id);

-- A cadre paired with a household (结对) or liaising with an enterprise
-- (包联), from a date until ended; a handover ends one pairing and starts
-- the next with handed_from set.
CREATE TABLE pairing (
    id            {{PK}},
    committee_id  BIGINT NOT NULL REFERENCES org(id),
    cadre_id      BIGINT NOT NULL REFERENCES cadre(id),
    household_id  BIGINT REFERENCES household(id),
    enterprise_id BIGINT REFERENCES enterprise(id),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL DEFAULT '',
    end_reason    TEXT NOT NULL DEFAULT '',
    handed_from   BIGINT REFERENCES pairing(id),
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL
);
CREATE INDEX pairing_cadre ON pairing (cadre_id, ends_on);
CREATE INDEX pairing_household ON pairing (household_id, ends_on);
CREATE INDEX pairing_enterprise ON pairing (enterprise_id, ends_on);

-- A visit campaign (遍访): a target list of households to visit in full,
-- each target with its assigned visitor.
CREATE TABLE visit_campaign (
    id           {{PK}},
    org_id       BIGINT NOT NULL REFERENCES org(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    title        TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);

CREATE TABLE campaign_target (
    campaign_id  BIGINT NOT NULL REFERENCES visit_campaign(id),
    household_id BIGINT NOT NULL REFERENCES household(id),
    cadre_id     BIGINT REFERENCES cadre(id),
    PRIMARY KEY (campaign_id, household_id)
);

-- A visit (走访) to a household or an enterprise, possibly part of a
-- campaign. occasion: a visit rule's occasion (六必访) or ''; reason: why an
-- enterprise was visited (有事必应、无事不扰).
CREATE TABLE assist_visit (
    id            {{PK}},
    committee_id  BIGINT NOT NULL REFERENCES org(id),
    org_id        BIGINT NOT NULL REFERENCES org(id), -- the household's or enterprise's
    cadre_id      BIGINT NOT NULL REFERENCES cadre(id),
    household_id  BIGINT REFERENCES household(id),
    enterprise_id BIGINT REFERENCES enterprise(id),
    campaign_id   BIGINT REFERENCES visit_campaign(id),
    visited_on    TEXT NOT NULL,
    occasion      TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    seen          TEXT NOT NULL DEFAULT '',
    needs         TEXT NOT NULL DEFAULT '',
    aid_fen       BIGINT NOT NULL DEFAULT 0,  -- total of the aid items
    created_by    BIGINT NOT NULL DEFAULT 0,
    created_at    {{TS}} NOT NULL
);
CREATE INDEX assist_visit_household ON assist_visit (household_id, visited_on);
CREATE INDEX assist_visit_enterprise ON assist_visit (enterprise_id, visited_on);
CREATE INDEX assist_visit_cadre ON assist_visit (cadre_id, visited_on);
CREATE INDEX assist_visit_campaign ON assist_visit (campaign_id);
CREATE INDEX assist_visit_committee ON assist_visit (committee_id, visited_on);

-- Aid given on a visit (慰问物资 and money), value in fen.
CREATE TABLE assist_aid (
    id        {{PK}},
    visit_id  BIGINT NOT NULL REFERENCES assist_visit(id),
    item      TEXT NOT NULL,        -- 米, 面, 油, 慰问金, …
    quantity  TEXT NOT NULL DEFAULT '',
    value_fen BIGINT NOT NULL
);
CREATE INDEX assist_aid_visit ON assist_aid (visit_id);

-- Per household and month: visits and aid, kept in the visit's transaction
-- so coverage over a period reads one row per household and month instead
-- of every visit.
CREATE TABLE household_month (
    household_id BIGINT NOT NULL REFERENCES household(id),
    month        TEXT NOT NULL,     -- 'YYYY-MM'
    committee_id BIGINT NOT NULL,
    visits       INTEGER NOT NULL DEFAULT 0,
    aided        INTEGER NOT NULL DEFAULT 0, -- visits with aid
    aid_fen      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (household_id, month)
);
CREATE INDEX household_month_committee ON household_month (committee_id, month);

-- Needs and problems (急难愁盼问题, 需求问题清单, 整改清单): raised on a visit
-- or directly, linked to a household, an enterprise or a campaign, worked
-- with a department until solved or found unsolvable.
CREATE TABLE assist_problem (
    id            {{PK}},
    committee_id  BIGINT NOT NULL REFERENCES org(id),
    org_id        BIGINT NOT NULL REFERENCES org(id),
    household_id  BIGINT REFERENCES household(id),
    enterprise_id BIGINT REFERENCES enterprise(id),
    campaign_id   BIGINT REFERENCES visit_campaign(id),
    visit_id      BIGINT REFERENCES assist_visit(id),
    category      TEXT NOT NULL,            -- assist.ProblemCategory
    description   TEXT NOT NULL,
    unit_id       BIGINT REFERENCES handling_unit(id),
    department    TEXT NOT NULL DEFAULT '', -- when not a registered unit
    status        TEXT NOT NULL DEFAULT 'open', -- open | in_progress | solved | unsolvable
    raised_on     TEXT NOT NULL,
    resolution    TEXT NOT NULL DEFAULT '',
    resolved_on   TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL DEFAULT 0,
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL
);
CREATE INDEX assist_problem_household ON assist_problem (household_id);
CREATE INDEX assist_problem_enterprise ON assist_problem (enterprise_id);
CREATE INDEX assist_problem_campaign ON assist_problem (campaign_id);
CREATE INDEX assist_problem_committee ON assist_problem (committee_id, raised_on);

-- Files: visit photos.
CREATE TABLE assist_file (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    visit_id     BIGINT NOT NULL REFERENCES assist_visit(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{BLOB}} NOT NULL,
    uploaded_by  BIGINT NOT NULL DEFAULT 0,
    uploaded_at  {{TS}} NOT NULL
);
CREATE INDEX assist_file_visit ON assist_file (visit_id);
