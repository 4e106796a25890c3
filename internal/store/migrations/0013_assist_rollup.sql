-- Rollups of pairing assistance, kept in the transaction of every change
-- they summarise, so that a county's figures read one row per organisation
-- and month (or period) instead of every household, pairing and visit
-- (store/assist_rollup.go; a rebuild recomputes them from the records).

-- Changes of the register and the pairings per organisation and month:
-- the figures as they stand at the end of month M are the sums over the
-- months up to M.
CREATE TABLE assist_org_stock (
    org_id         BIGINT NOT NULL REFERENCES org(id),
    month          TEXT NOT NULL,             -- 'YYYY-MM'
    households     INTEGER NOT NULL DEFAULT 0, -- on the register
    persons        INTEGER NOT NULL DEFAULT 0, -- in households on the register
    paired         INTEGER NOT NULL DEFAULT 0, -- households with an active pairing
    paired_persons INTEGER NOT NULL DEFAULT 0, -- persons in them
    PRIMARY KEY (org_id, month)
);

-- The same for the persons of paired households by category, for the
-- kinds the reports name.
CREATE TABLE assist_org_category (
    org_id   BIGINT NOT NULL REFERENCES org(id),
    month    TEXT NOT NULL,
    category TEXT NOT NULL,
    persons  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category)
);

-- Per organisation and period ('YYYY-MM', 'YYYY-Qn', 'YYYY'): distinct
-- paired households visited and aided in the period, aid value, household
-- problems raised and solved.
CREATE TABLE assist_org_period (
    org_id  BIGINT NOT NULL REFERENCES org(id),
    period  TEXT NOT NULL,
    visited INTEGER NOT NULL DEFAULT 0,
    aided   INTEGER NOT NULL DEFAULT 0,
    aid_fen BIGINT NOT NULL DEFAULT 0,
    raised  INTEGER NOT NULL DEFAULT 0,
    solved  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, period)
);

-- What each household adds to assist_org_stock and assist_org_category
-- (JSON), so a change to the household replaces its contribution exactly.
CREATE TABLE household_rollup (
    household_id BIGINT PRIMARY KEY REFERENCES household(id),
    org_id       BIGINT NOT NULL,
    stock_json   TEXT NOT NULL
);

CREATE INDEX pairing_committee ON pairing (committee_id, ends_on, starts_on, cadre_id);

-- Visits (with aid) made while the household was paired: the first of
-- them in a month, quarter or year counts the household as visited (aided).
ALTER TABLE household_month ADD COLUMN paired_visits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE household_month ADD COLUMN paired_aided INTEGER NOT NULL DEFAULT 0;

-- Per organisation (the household's and each one above it), cadre and
-- month: the change in the number of registered households the cadre is
-- paired with there; a cadre counts for an organisation at the end of
-- month M while its sum up to M is above zero.
CREATE TABLE assist_org_cadre (
    org_id     BIGINT NOT NULL,
    cadre_id   BIGINT NOT NULL,
    month      TEXT NOT NULL,
    households INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, cadre_id, month)
);
