-- Exact and approximate numbers: DECIMAL is numeric(p,s) (a bare DECIMAL is
-- DECIMAL(10,0)), FLOAT is real, REAL and DOUBLE PRECISION are DOUBLE.
CREATE TABLE money (
    a DECIMAL(12,2),
    b NUMERIC(10,3),
    c DECIMAL,
    d DEC(5,0) UNSIGNED,
    e FLOAT,
    f REAL,
    g DOUBLE,
    h DOUBLE PRECISION,
    i FLOAT(7,2)
);
