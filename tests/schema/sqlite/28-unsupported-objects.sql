-- What the description cannot hold is listed on standard error and left
-- out: a view, a trigger, a virtual table (and its shadow tables), a
-- generated column, WITHOUT ROWID.  The rest is dumped.
CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    size INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL
);
CREATE TABLE kv (
    k TEXT PRIMARY KEY,
    v BLOB
) WITHOUT ROWID;
CREATE VIEW long_note AS SELECT id FROM note WHERE length(body) > 100;
CREATE TRIGGER note_touch AFTER UPDATE ON note BEGIN SELECT 1; END;
CREATE VIRTUAL TABLE note_search USING fts5(body);
