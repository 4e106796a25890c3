-- The dashboard on a province-sized database (issue 9).

-- The assistance rollups summed per committee (store/assist_rollup.go), so
-- that a committee's figures — and a city's, which are its committees' —
-- read a few rows per committee instead of every organisation's: a
-- province's city summed 3,161 organisations' rows on every dashboard view.
-- Each row is the sum of the rows of 0013's tables over the organisations
-- whose committee_id it is, kept in the same transactions as they are.

CREATE TABLE assist_committee_stock (
    committee_id   BIGINT NOT NULL,
    month          TEXT NOT NULL,
    households     INTEGER NOT NULL DEFAULT 0,
    persons        INTEGER NOT NULL DEFAULT 0,
    paired         INTEGER NOT NULL DEFAULT 0,
    paired_persons INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, month)
);

CREATE TABLE assist_committee_category (
    committee_id BIGINT NOT NULL,
    month        TEXT NOT NULL,
    category     TEXT NOT NULL,
    persons      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, month, category)
);

CREATE TABLE assist_committee_period (
    committee_id BIGINT NOT NULL,
    period       TEXT NOT NULL,
    visited      INTEGER NOT NULL DEFAULT 0,
    aided        INTEGER NOT NULL DEFAULT 0,
    aid_fen      BIGINT NOT NULL DEFAULT 0,
    raised       INTEGER NOT NULL DEFAULT 0,
    solved       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, period)
);

-- The change in the number of cadres paired with the committee's
-- registered households at the end of each month: a cadre counts while
-- the sum of its assist_org_cadre rows at the committee up to the month is
-- above zero, so the count at the end of month M is the sum of these rows
-- up to M.
CREATE TABLE assist_committee_cadres (
    committee_id BIGINT NOT NULL,
    month        TEXT NOT NULL,
    cadres       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, month)
);

INSERT INTO assist_committee_stock (committee_id, month, households, persons, paired, paired_persons)
SELECT o.committee_id, s.month, SUM(s.households), SUM(s.persons), SUM(s.paired), SUM(s.paired_persons)
FROM assist_org_stock s JOIN org o ON o.id = s.org_id
GROUP BY o.committee_id, s.month;

INSERT INTO assist_committee_category (committee_id, month, category, persons)
SELECT o.committee_id, c.month, c.category, SUM(c.persons)
FROM assist_org_category c JOIN org o ON o.id = c.org_id
GROUP BY o.committee_id, c.month, c.category;

INSERT INTO assist_committee_period (committee_id, period, visited, aided, aid_fen, raised, solved)
SELECT o.committee_id, r.period, SUM(r.visited), SUM(r.aided), SUM(r.aid_fen), SUM(r.raised), SUM(r.solved)
FROM assist_org_period r JOIN org o ON o.id = r.org_id
GROUP BY o.committee_id, r.period;

INSERT INTO assist_committee_cadres (committee_id, month, cadres)
SELECT org_id, month, SUM(d) FROM (
    SELECT org_id, month, CASE WHEN total > 0 THEN 1 ELSE 0 END
        - CASE WHEN LAG(total, 1, 0) OVER (PARTITION BY org_id, cadre_id ORDER BY month) > 0 THEN 1 ELSE 0 END AS d
    FROM (SELECT c.org_id, c.cadre_id, c.month,
            SUM(c.households) OVER (PARTITION BY c.org_id, c.cadre_id ORDER BY c.month) AS total
        FROM assist_org_cadre c JOIN org o ON o.id = c.org_id WHERE o.id = o.committee_id) x
) y
WHERE d <> 0
GROUP BY org_id, month;

-- The dashboard's proposal ratings (dashProposals) join a period's
-- proposals to their assignments: with the proposal's id in the period's
-- index and an assignment's rating in one by proposal, PostgreSQL walks
-- both indexes instead of reading both tables (169 → 15 ms for the
-- province city's 2,044 proposals of a year, at a load average of 9).
-- SQLite's indexes carry the rowid already.
DROP INDEX proposal_submitted;
CREATE INDEX proposal_submitted ON proposal (committee_id, submitted_on, seq, state, id);
CREATE INDEX proposal_assignment_rating ON proposal_assignment (proposal_id, withdrawn, satisfaction);
