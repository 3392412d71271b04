-- integer, bigint and smallint as retort renders them, and other integer
-- spellings, which read back as declared (lower case).
CREATE TABLE counters (
    a INTEGER,
    b BIGINT,
    c SMALLINT,
    d INT,
    e TINYINT,
    f unsigned big int
);
