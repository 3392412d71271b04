-- Partial indexes: the WHERE as written; a unique one.
CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    owner TEXT,
    due DATE
);
CREATE INDEX ix_job_due ON job (due) WHERE state = 'open';
CREATE UNIQUE INDEX ux_job_owner ON job (owner, state) WHERE (owner IS NOT NULL);
