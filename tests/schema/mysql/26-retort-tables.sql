-- retort's own version and history tables are never reported.
CREATE TABLE retort_version (
    version_num VARCHAR(255) NOT NULL PRIMARY KEY
);
CREATE TABLE retort_history (
    id INT AUTO_INCREMENT PRIMARY KEY,
    revision VARCHAR(255),
    KEY ix_retort_history_revision (revision)
);
CREATE TABLE app (
    id INT NOT NULL PRIMARY KEY
);
