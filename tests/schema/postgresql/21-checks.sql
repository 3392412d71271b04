-- Check constraints, named and unnamed: the condition as PostgreSQL deparses it.
CREATE TABLE product (
    id integer PRIMARY KEY,
    price numeric(10,2) CHECK (price > 0),
    qty integer NOT NULL CONSTRAINT ck_qty CHECK (qty >= 0),
    status text CHECK (status IN ('new', 'sold')),
    lo integer,
    hi integer,
    CONSTRAINT ck_range CHECK (lo < hi OR hi IS NULL)
);
