-- Newspaper pages imported as records (报纸稿件导入): the page as pasted or
-- uploaded, with its digest, and the items the parser read from it (the
-- parsed fields as JSON, the item's text and a digest of its normalised
-- text). Nothing is written to the records until the office confirms an
-- item: then it names the record made (an activity) or linked (a meeting).
-- A committee confirms the same text once: the partial unique index keeps a
-- page imported twice from making the records twice.

CREATE TABLE press_import (
    id           {{PK}},
    committee_id BIGINT NOT NULL REFERENCES org(id),
    org_id       BIGINT NOT NULL REFERENCES org(id), -- the importing account's organisation (scope)
    account_id   BIGINT NOT NULL DEFAULT 0,
    account_name TEXT NOT NULL DEFAULT '',
    source_name  TEXT NOT NULL,                      -- the file name, or 粘贴的文本
    source_text  TEXT NOT NULL,
    sha256       TEXT NOT NULL,                      -- of the bytes as received
    year         INTEGER NOT NULL DEFAULT 0,         -- the page's year (given or read from the text)
    created_at   {{TS}} NOT NULL
);
CREATE INDEX press_import_committee ON press_import (committee_id, created_at);

CREATE TABLE press_item (
    id           {{PK}},
    import_id    BIGINT NOT NULL REFERENCES press_import(id),
    committee_id BIGINT NOT NULL REFERENCES org(id),
    seq          INTEGER NOT NULL,                   -- 1-based position on the page
    fields_json  TEXT NOT NULL,                      -- press.Article without its text
    body         TEXT NOT NULL,                      -- the item's text
    text_hash    TEXT NOT NULL,                      -- sha256 of the text's letters and digits
    state        TEXT NOT NULL DEFAULT 'pending',    -- pending | confirmed | skipped
    record_kind  TEXT NOT NULL DEFAULT '',           -- activity | meeting, once confirmed
    record_id    BIGINT NOT NULL DEFAULT 0,
    decided_by   BIGINT NOT NULL DEFAULT 0,          -- account
    decided_at   {{TS}},
    UNIQUE (import_id, seq)
);
CREATE INDEX press_item_hash ON press_item (committee_id, text_hash);
CREATE UNIQUE INDEX press_item_confirmed ON press_item (committee_id, text_hash) WHERE state = 'confirmed';
CREATE INDEX press_item_record ON press_item (record_kind, record_id);
