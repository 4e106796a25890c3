-- The data version (store/listcache.go) counts changes only. It was the sum
-- of the audit chains' sequence numbers, and reads are audited too (a
-- household viewed or listed, a sign-in, an export): every such read made
-- every cached list, score and page stale for everyone. Now each chain's head
-- counts the audited changes appended to it, and the deployment chain's head
-- (chain 0) also counts the transactions that change records without an
-- audit row (ballots, which are secret).
ALTER TABLE audit_head ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;
UPDATE audit_head SET changes = seq;
