-- Number and boolean defaults: as MariaDB keeps them (a DECIMAL's with its
-- scale; TRUE and FALSE are 1 and 0); DEFAULT NULL is no default.
CREATE TABLE ndef (
    a INT DEFAULT 0,
    b INT NOT NULL DEFAULT -1,
    c BIGINT DEFAULT 42,
    d DECIMAL(12,2) DEFAULT 0,
    e DECIMAL(5,1) DEFAULT 2.25,
    f FLOAT DEFAULT 1.5,
    g DOUBLE DEFAULT -0.125,
    h BOOL DEFAULT TRUE,
    i BOOLEAN NOT NULL DEFAULT FALSE,
    j INT DEFAULT NULL,
    k VARCHAR(5) DEFAULT NULL,
    l INT NOT NULL
);
