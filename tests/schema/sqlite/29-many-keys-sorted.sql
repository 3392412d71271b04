-- Several indexes, uniques, foreign keys and checks on one table, declared
-- out of order: written sorted by name, the unnamed ones last by columns.
CREATE TABLE region (
    id INTEGER PRIMARY KEY
);
CREATE TABLE shop (
    id INTEGER PRIMARY KEY,
    region_b INTEGER,
    region_a INTEGER,
    name TEXT NOT NULL,
    city TEXT,
    zip TEXT,
    FOREIGN KEY (region_b) REFERENCES region (id),
    CONSTRAINT z_fk FOREIGN KEY (region_a) REFERENCES region (id),
    CONSTRAINT a_fk FOREIGN KEY (region_b) REFERENCES region (id) ON DELETE CASCADE,
    UNIQUE (zip),
    UNIQUE (city, zip),
    CONSTRAINT uq_b UNIQUE (name, city),
    CONSTRAINT uq_a UNIQUE (name, zip),
    CHECK (zip <> ''),
    CONSTRAINT ck_z CHECK (name <> ''),
    CONSTRAINT ck_a CHECK (city <> '')
);
CREATE INDEX ix_shop_zip ON shop (zip);
CREATE INDEX ix_shop_city ON shop (city);
CREATE INDEX "IX_Shop_Name" ON shop (name);
