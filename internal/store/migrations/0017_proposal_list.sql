-- The proposals list and its counts read the committee's session from one
-- index that holds every column they filter and sort on.
CREATE INDEX proposal_list ON proposal (committee_id, term_id, session, seq, state, member_id, created_by, state_since);
