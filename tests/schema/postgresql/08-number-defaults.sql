-- Number defaults: negative and large literals come back as '-1'::integer,
-- '5000000000'::bigint: the number is the default.
CREATE TABLE counters (
    i integer DEFAULT 0,
    neg integer DEFAULT -1,
    big bigint DEFAULT 5000000000,
    s smallint DEFAULT 7,
    n numeric(12,2) DEFAULT 1.50,
    z numeric DEFAULT '0'::numeric,
    r real DEFAULT 2.5,
    d double precision DEFAULT -0.25,
    nn numeric(5,1) DEFAULT -3
);
