-- Character types: varchar with and without a length, text, char.
CREATE TABLE strings (
    v varchar(20),
    cv character varying(255) NOT NULL,
    vu varchar,
    t text,
    c char(5),
    c1 char,
    ch character(10)
);
