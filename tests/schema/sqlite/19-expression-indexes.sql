-- Indexes on expressions keep their key list as written; so do keys with
-- DESC or COLLATE, which the description's column lists cannot say.
CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    first TEXT,
    last TEXT,
    born DATE
);
CREATE UNIQUE INDEX ux_person_email ON person (lower(email));
CREATE INDEX ix_person_name ON person (last || ', ' || first, id);
CREATE INDEX ix_person_born ON person (born DESC);
CREATE INDEX ix_person_last ON person (last COLLATE NOCASE) WHERE last <> '';
