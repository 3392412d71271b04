-- MariaDB keeps every unique key as a unique index: UNIQUE on a column,
-- CONSTRAINT ... UNIQUE, UNIQUE KEY and CREATE UNIQUE INDEX all read as
-- unique constraints (an unnamed one is named after its first column).  A
-- unique index on a prefix has no column list: it is an index with a key list.
CREATE TABLE u (
    a INT UNIQUE,
    b INT,
    c INT,
    d INT,
    e INT,
    f VARCHAR(100),
    CONSTRAINT uq_u_b UNIQUE (b),
    UNIQUE KEY uk_u_cd (c, d),
    UNIQUE (e)
);
CREATE UNIQUE INDEX ux_u_de ON u (d, e);
CREATE UNIQUE INDEX ux_u_f ON u (f(10));
