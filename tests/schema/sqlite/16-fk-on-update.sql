-- Every ON UPDATE action, on column constraints: unnamed ones and a named
-- one (SET DEFAULT inside a column's REFERENCES is not its DEFAULT).
CREATE TABLE parent (
    id INTEGER PRIMARY KEY
);
CREATE TABLE child (
    a INTEGER CONSTRAINT fk_child_a REFERENCES parent (id) ON UPDATE SET DEFAULT DEFAULT 1,
    b INTEGER REFERENCES parent (id) ON UPDATE CASCADE,
    c INTEGER REFERENCES parent (id) ON UPDATE SET NULL,
    d INTEGER REFERENCES parent (id) ON UPDATE RESTRICT,
    e INTEGER REFERENCES parent (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
