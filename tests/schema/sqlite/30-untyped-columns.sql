-- SQLite's columns may be declared without a type: the type reads back
-- empty.
CREATE TABLE loose (
    k PRIMARY KEY,
    v,
    w DEFAULT 'x'
);
