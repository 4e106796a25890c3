-- The dashboard counts a period's proposals per committee from one index
-- (submitted, filed) and their ratings from the assignments by proposal.
CREATE INDEX proposal_submitted ON proposal (committee_id, submitted_on, seq, state);
