-- The full-text search index (issue 9). One row per searchable record: its
-- kind (member, meeting, topic, proposal, report, enterprise, problem,
-- household) and id, the organisation it belongs to, its year, the title and
-- the text a result's snippet is cut from. The tokens are made in Go
-- (internal/search: Chinese bigrams, Latin words) and stored for each
-- database's own index: an FTS5 table on SQLite, a tsvector column with a GIN
-- index on PostgreSQL. On SQLite the filters are tokens too (the FTS5
-- `tags` column: o<id> for the record's organisation and each ancestor,
-- k<kind>, y<year>), so that scoping to a subtree, a kind and a year is an
-- intersection of posting lists; on PostgreSQL they are the plain columns
-- kind, path and year (a GIN scan over tags every record carries reads
-- their whole posting lists: 4–10 ms a query on a province). Rows are
-- written by store/search.go in the transaction of the change.
CREATE TABLE search_doc (
    id           {{PK}},
    kind         TEXT NOT NULL,
    ref_id       BIGINT NOT NULL,
    org_id       BIGINT NOT NULL,
    committee_id BIGINT NOT NULL,
    path         TEXT NOT NULL, -- the organisation's path, for scoping (kept when an organisation moves)
    year         INTEGER NOT NULL DEFAULT 0,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    parent_kind  TEXT NOT NULL DEFAULT '', -- the record whose page shows this one (a problem: its household or enterprise)
    parent_id    BIGINT NOT NULL DEFAULT 0,
    digest       TEXT NOT NULL, -- hash of what was indexed: unchanged records are not rewritten
    UNIQUE (kind, ref_id)
);
--#sqlite
-- rowid = search_doc.id; contentless: the text is in search_doc.
CREATE VIRTUAL TABLE search_fts USING fts5(tokens, tags, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 0', prefix='1');
--#end
--#postgres
-- Rare words: the GIN index; common words: the kind's newest rows until a
-- page is full, through the kind's own index on id (partial). An index on
-- (kind, id) was passed over for the primary key, whose order matches the
-- table's (correlation 1), and a kind whose rows came first was then read
-- after every other kind's: 153 ms for members on a province.
ALTER TABLE search_doc ADD COLUMN tokens tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX search_doc_tokens ON search_doc USING GIN (tokens);
CREATE INDEX search_doc_member ON search_doc (id) WHERE kind = 'member';
CREATE INDEX search_doc_meeting ON search_doc (id) WHERE kind = 'meeting';
CREATE INDEX search_doc_topic ON search_doc (id) WHERE kind = 'topic';
CREATE INDEX search_doc_proposal ON search_doc (id) WHERE kind = 'proposal';
CREATE INDEX search_doc_report ON search_doc (id) WHERE kind = 'report';
CREATE INDEX search_doc_enterprise ON search_doc (id) WHERE kind = 'enterprise';
CREATE INDEX search_doc_problem ON search_doc (id) WHERE kind = 'problem';
CREATE INDEX search_doc_household ON search_doc (id) WHERE kind = 'household';
--#end
