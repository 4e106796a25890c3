-- Sensitive personal fields are sealed with SM4-GCM (internal/seal), so the
-- plaintext identity number can no longer carry a unique index: an HMAC-SM3
-- blind index of the number does, and lookups go through it. Values written
-- before keys were configured are sealed, and their indexes filled, by the
-- reseal pass at start (store.Reseal).
ALTER TABLE member ADD COLUMN id_number_hmac TEXT NOT NULL DEFAULT '';
DROP INDEX member_id_number;
CREATE UNIQUE INDEX member_id_number ON member (committee_id, id_number_hmac) WHERE id_number_hmac <> '';

ALTER TABLE household_person ADD COLUMN id_number_hmac TEXT NOT NULL DEFAULT '';
DROP INDEX household_person_id_number;
CREATE UNIQUE INDEX household_person_id_number ON household_person (committee_id, id_number_hmac) WHERE id_number_hmac <> '';

-- The start pass notes here that it has sealed what was written before
-- encryption, so later starts need not scan for plaintext again: from this
-- migration on every write seals.
CREATE TABLE seal_pass (
    id      INTEGER PRIMARY KEY,
    done_at {{TS}} NOT NULL
);
