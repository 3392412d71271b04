-- JSON is LONGTEXT with an automatic CHECK (json_valid(col)) on MariaDB:
-- the column reads as json and that check is not reported.  A LONGTEXT
-- whose json_valid check is a table constraint stays longtext + the check.
CREATE TABLE docs (
    id INT NOT NULL PRIMARY KEY,
    body JSON NOT NULL,
    extra JSON,
    raw LONGTEXT,
    other LONGTEXT,
    CONSTRAINT ck_docs_other CHECK (json_valid(other))
);
