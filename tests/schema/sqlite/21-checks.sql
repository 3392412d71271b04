-- CHECK constraints, named and unnamed, on the table and on columns: the
-- condition as the CREATE TABLE text has it.
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    price NUMERIC(10,2) NOT NULL CONSTRAINT ck_product_price CHECK (price >= 0),
    qty INTEGER CHECK( qty > 0 ),
    name TEXT NOT NULL,
    kind TEXT,
    CONSTRAINT ck_product_name CHECK (length(name) BETWEEN 1 AND 80),
    CHECK (kind IN ('a', 'b') OR kind IS NULL)
);
