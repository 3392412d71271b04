-- retort's own version and history tables (default names) are never
-- reported, nor their indexes.
CREATE TABLE retort_version (
    version_num VARCHAR(64) NOT NULL PRIMARY KEY
);
CREATE TABLE retort_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    revision VARCHAR(64)
);
CREATE INDEX ix_retort_history_revision ON retort_history (revision);
CREATE TABLE app (
    id INTEGER PRIMARY KEY
);
