-- A proposal not filed and turned into a social-conditions report (不予立案，
-- 转为社情民意信息) names the report it became.
ALTER TABLE report ADD COLUMN proposal_id BIGINT REFERENCES proposal(id);
CREATE INDEX report_proposal ON report (proposal_id);
