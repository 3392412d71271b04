-- AUTOINCREMENT is autoincrement; a bare INTEGER PRIMARY KEY (a rowid
-- alias) is not; a TEXT primary key is NOT NULL.
CREATE TABLE ticket (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL
);
CREATE TABLE plain (
    id INTEGER PRIMARY KEY,
    title TEXT
);
CREATE TABLE tag (
    name TEXT PRIMARY KEY
);
CREATE TABLE named_auto (
    id INTEGER CONSTRAINT pk_named_auto PRIMARY KEY AUTOINCREMENT
);
INSERT INTO ticket (title) VALUES ('first');
