-- boolean, bytea, json, uuid and types without a portable name, arrays.
CREATE TABLE misc (
    flag boolean NOT NULL,
    flag2 bool,
    data bytea,
    doc json,
    docb jsonb,
    id uuid,
    addr inet,
    tags text[],
    scores integer[],
    codes varchar(10)[],
    matrix int[][]
);
