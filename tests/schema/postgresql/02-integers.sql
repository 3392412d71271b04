-- Integer types in their several spellings.
CREATE TABLE nums (
    a integer,
    b int,
    c int4 NOT NULL,
    d bigint,
    e int8,
    f smallint,
    g int2 NOT NULL
);
