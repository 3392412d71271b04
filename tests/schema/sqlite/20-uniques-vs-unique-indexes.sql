-- Unique constraints (named, unnamed, on a column) are uniques; a CREATE
-- UNIQUE INDEX is an index.
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    handle TEXT CONSTRAINT uq_account_handle UNIQUE,
    org INTEGER,
    dept INTEGER,
    code TEXT,
    CONSTRAINT uq_account_org_dept UNIQUE (org, dept),
    UNIQUE (code, org)
);
CREATE UNIQUE INDEX ux_account_code ON account (code);
CREATE INDEX ix_account_dept ON account (dept, org);
