-- Exact and floating-point numbers.
CREATE TABLE amounts (
    price numeric(12,2),
    exact numeric,
    d10 decimal(10,0),
    r real,
    f4 float4,
    d double precision,
    f8 float8,
    f float,
    f24 float(24)
);
