-- A table that references itself.
CREATE TABLE node (
    id integer PRIMARY KEY,
    parent_id integer REFERENCES node (id) ON DELETE CASCADE,
    name text NOT NULL
);
