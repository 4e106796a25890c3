-- Documents of agenda items (议程文件): the resolution, work plan,
-- recommendation paper, research report or meeting plan put before the
-- meeting, as uploaded files. The bytes are kept in the database, not on a
-- node's disk, so that every app node behind one address serves the same
-- files and a database backup holds them too; files are small (at most
-- web.Config.MaxUploadBytes, 20 MB by default) and few per meeting. Lists
-- never select the data column. The type is decided by the file's content
-- (store.DocumentType), never by what the browser claimed.
CREATE TABLE agenda_document (
    id             {{PK}},
    committee_id   BIGINT NOT NULL REFERENCES org(id),
    agenda_item_id BIGINT NOT NULL REFERENCES agenda_item(id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    data           {{BLOB}} NOT NULL,
    uploaded_by    BIGINT NOT NULL DEFAULT 0, -- account
    uploaded_at    {{TS}} NOT NULL
);
CREATE INDEX agenda_document_item ON agenda_document (agenda_item_id, id);
