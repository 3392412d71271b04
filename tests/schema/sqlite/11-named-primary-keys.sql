-- Primary keys named by CONSTRAINT, as a table constraint and on a column.
CREATE TABLE country (
    code CHAR(2) NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT pk_country PRIMARY KEY (code)
);
CREATE TABLE city (
    id BIGINT CONSTRAINT pk_city PRIMARY KEY,
    name TEXT
);
CREATE TABLE border (
    a CHAR(2),
    b CHAR(2),
    CONSTRAINT "PK border" PRIMARY KEY (a, b)
);
