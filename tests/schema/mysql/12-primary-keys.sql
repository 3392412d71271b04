-- Composite and named primary keys (the name is MariaDB's PRIMARY whatever
-- the DDL says), key order kept, and a table without a primary key.
CREATE TABLE pk_composite (
    b INT NOT NULL,
    a INT NOT NULL,
    c VARCHAR(10),
    PRIMARY KEY (a, b)
);
CREATE TABLE pk_named (
    code CHAR(3) NOT NULL,
    CONSTRAINT pk_pk_named PRIMARY KEY (code)
);
CREATE TABLE pk_none (
    x INT
);
