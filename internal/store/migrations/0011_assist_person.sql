-- An identity number is registered once per committee: a person's row
-- carries the household's committee so that a unique index can say so.
ALTER TABLE household_person ADD COLUMN committee_id BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX household_person_id_number ON household_person (committee_id, id_number) WHERE id_number <> '';
