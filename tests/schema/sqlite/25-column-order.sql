-- Columns in their position order, not by name.
CREATE TABLE shuffled (
    zeta TEXT,
    alpha INTEGER NOT NULL,
    mid REAL,
    beta BLOB
);
