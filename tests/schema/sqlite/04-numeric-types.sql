-- numeric(p,s), real and double; other spellings as declared.
CREATE TABLE amounts (
    price NUMERIC(12,2),
    tax NUMERIC(12, 2),
    ratio REAL,
    mass DOUBLE,
    volume DOUBLE PRECISION,
    weight FLOAT,
    rate DECIMAL(10,3)
);
